"""The pieces of a synthetic green-screen scene: textures, antialiased shapes and moving layers.

A :class:`Layer` is a small premultiplied linear-light image (colour and exact coverage) drawn
once in its own coordinates; :class:`Pose` functions place it in the frame at any instant, so the
renderer can sample a shutter interval for motion blur. Shapes are drawn supersampled and
area-averaged, which gives every edge pixel its exact partial coverage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np

__all__ = ["Layer", "Pose", "fbm", "supersampled", "hair_strands", "spill_tint"]

SUPERSAMPLE = 4


@dataclass(frozen=True)
class Pose:
    """Where a layer's anchor point lands in the frame, and its rotation (degrees) about it."""

    x: float
    y: float
    angle: float = 0.0

    def matrix(self, anchor: tuple[float, float]) -> np.ndarray:
        """The 2×3 affine matrix taking layer coordinates to frame coordinates."""
        m = cv2.getRotationMatrix2D(anchor, self.angle, 1.0)
        m[0, 2] += self.x - anchor[0]
        m[1, 2] += self.y - anchor[1]
        return m


@dataclass
class Layer:
    """A premultiplied linear RGB image with coverage, plus its motion.

    :param premult: float32 (h, w, 3), colour × coverage, linear light.
    :param alpha: float32 (h, w) exact coverage 0..1.
    :param anchor: the layer point that :attr:`pose` places (e.g. a shoulder joint).
    :param pose: time (in frames, fractional) → :class:`Pose`.
    """

    premult: np.ndarray
    alpha: np.ndarray
    anchor: tuple[float, float]
    pose: Callable[[float], Pose]

    def stacked(self) -> np.ndarray:
        """(h, w, 4) float32: premultiplied colour and alpha, ready for one warp."""
        return np.dstack([self.premult, self.alpha]).astype(np.float32)


def fbm(rng: np.random.Generator, h: int, w: int, *, base: int = 4, octaves: int = 5, gain: float = 0.55) -> np.ndarray:
    """Fractal value noise (float32, roughly zero-mean, unit-ish amplitude) of size ``h``×``w``."""
    out = np.zeros((h, w), np.float32)
    amp, total = 1.0, 0.0
    for o in range(octaves):
        cells = base * (2**o)
        gy, gx = max(2, int(cells * h / max(h, w)) + 2), max(2, int(cells * w / max(h, w)) + 2)
        grid = rng.standard_normal((gy, gx)).astype(np.float32)
        out += amp * cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
        total += amp
        amp *= gain
    return out / total


def supersampled(h: int, w: int, draw: Callable[[np.ndarray, int], None]) -> np.ndarray:
    """Exact-ish coverage (float32 0..1, ``h``×``w``) of shapes drawn by ``draw(canvas, scale)``.

    ``draw`` paints 255 on a uint8 canvas :data:`SUPERSAMPLE` times larger; the result is its area average.
    """
    s = SUPERSAMPLE
    canvas = np.zeros((h * s, w * s), np.uint8)
    draw(canvas, s)
    return cv2.resize(canvas, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) * (1.0 / 255.0)


def hair_strands(
    rng: np.random.Generator,
    h: int,
    w: int,
    roots: np.ndarray,
    *,
    count: int,
    length: float,
    direction: np.ndarray,
    curl: float = 0.35,
) -> np.ndarray:
    """Coverage of thin, curved, semi-transparent strands growing from ``roots`` (N×2 points, layer px).

    Strands are one supersampled pixel wide (a quarter of an output pixel) up to three, so their
    coverage is fractional: the hardest case for a keyer, as real hair is.
    """

    def draw(canvas: np.ndarray, scale: int) -> None:
        for _ in range(count):
            root = roots[rng.integers(len(roots))].astype(np.float64)
            d = direction + rng.normal(0, 0.45, 2)
            d /= np.linalg.norm(d) + 1e-9
            n = 12
            seg = length * rng.uniform(0.4, 1.2) / n
            pts = [root]
            turn = rng.normal(0, curl)
            for _k in range(n):
                c, sn = np.cos(turn), np.sin(turn)
                d = np.array([c * d[0] - sn * d[1], sn * d[0] + c * d[1]])
                d[1] += 0.08  # gravity
                d /= np.linalg.norm(d)
                pts.append(pts[-1] + d * seg)
                turn += rng.normal(0, curl * 0.3)
            poly = (np.array(pts) * scale * 16).astype(np.int32)  # 4 fractional bits
            thickness = int(rng.choice([1, 1, 1, 2, 3]))
            cv2.polylines(canvas, [poly], False, 255, thickness, cv2.LINE_AA, shift=4)

    return supersampled(h, w, draw)


def spill_tint(alpha: np.ndarray, reach: float) -> np.ndarray:
    """Where screen light reaches a layer: 1 at its outline falling off over ``reach`` pixels inside."""
    inside = (alpha > 0.5).astype(np.uint8)
    dist = cv2.distanceTransform(inside, cv2.DIST_L2, 3)
    return np.exp(-np.minimum(dist, 1e4) / max(reach, 1e-3)).astype(np.float32)
