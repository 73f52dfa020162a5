"""Pixel checks of VSE renders: where alpha is 1 the source's colours, where 0 the channel below, in between a mix.

Every check reports where and by how much it failed.
"""

from __future__ import annotations

import cv2
import numpy as np

BACKGROUND = np.array([255.0, 0.0, 255.0])  # the scenarios' magenta background strip


def load_rgb(path: str) -> np.ndarray:
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    assert image is not None, f"render missing: {path}"
    return image[:, :, ::-1].astype(np.float64)


def regions(shape: tuple[int, ...]) -> dict[str, tuple[slice, slice]]:
    """The regions of the ``regions`` test backend, shrunk by a margin (edges are filtered by the codecs)."""
    h, w = shape[:2]
    return {
        "opaque": (slice(4, h // 2 - 4), slice(4, w - 4)),
        "clear": (slice(h // 2 + 4, h - 4), slice(2, w // 8 - 2)),
        "level": (slice(h // 2 + 4, h - 4), slice(w // 8 + 4, w - 4)),
    }


def assert_source_colours(layered: np.ndarray, source: np.ndarray, where, *, mean_tol: float, p99_tol: float, what: str) -> None:
    diff = np.abs(layered[where] - source[where])
    p99 = float(np.percentile(diff, 99))
    assert diff.mean() <= mean_tol and p99 <= p99_tol, (
        f"{what}: colours differ from the source's: mean {diff.mean():.2f} (≤ {mean_tol}), 99th percentile {p99:.1f} "
        f"(≤ {p99_tol}), worst {diff.max():.0f} at {np.unravel_index(diff.argmax(), diff.shape)}")


def assert_background(layered: np.ndarray, where, what: str, tol: float = 1.0) -> None:
    diff = np.abs(layered[where] - BACKGROUND)
    assert diff.max() <= tol, f"{what}: expected the channel below ({BACKGROUND}), worst difference {diff.max():.0f}"


def alpha_of_mix(layered: np.ndarray, source: np.ndarray, where) -> float:
    """The alpha ``a`` with ``layered = a * source + (1 - a) * background``, by least squares over the region."""
    s = source[where] - BACKGROUND
    return float(((layered[where] - BACKGROUND) * s).sum() / (s * s).sum())
