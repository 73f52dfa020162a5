"""Centred temporal smoothing of chroma-resolution mattes: each frame pulled toward its two neighbours.

A causal filter lags behind motion; a centred one (previous and next frame) does not, at the
price of holding one frame back. The pull is gated twice, like the core's
:class:`~mattebox.matte.TemporalSmoother`: by how still the image is (luma change between the
frames) and by how close the neighbour's matte already is (a limb entering is not smoothed away).
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["centred_smooth"]

_MOTION = 6.0  # luma change (8-bit codes) at which a pixel counts as moving


def _still(luma: np.ndarray, other: np.ndarray) -> np.ndarray:
    change = cv2.absdiff(cv2.blur(luma, (5, 5)), cv2.blur(other, (5, 5))).astype(np.float32)
    return np.maximum(1.0 - change * (1.0 / _MOTION), 0.0)


def centred_smooth(
    alpha: np.ndarray, luma: np.ndarray, neighbours: list[tuple[np.ndarray, np.ndarray]], strength: float
) -> np.ndarray:
    """``alpha`` moved toward its neighbours' mattes where the picture is still.

    :param alpha: float32 (h, w) matte of the frame.
    :param luma: uint8 (h, w) the frame's luma at the same size.
    :param neighbours: ``(alpha, luma)`` of the previous and/or next frame.
    :param strength: 0 (off) .. 0.9: the share of the neighbours' average taken where nothing moves.
    """
    if strength <= 0 or not neighbours:
        return alpha
    pull = np.zeros_like(alpha)
    share = strength / len(neighbours)
    for other_alpha, other_luma in neighbours:
        diff = other_alpha - alpha
        agree = np.maximum(1.0 - np.abs(diff) * 2.0, 0.0)
        pull += share * _still(luma, other_luma) * agree * diff
    out = alpha + pull
    return np.clip(out, 0.0, 1.0, out=out)
