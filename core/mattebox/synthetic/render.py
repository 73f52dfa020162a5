"""Rendering a synthetic scene frame by frame, as a camera would record it.

Each layer is warped to its pose at several instants across the shutter interval and averaged
(motion blur of colour and coverage alike), the layers are stacked with "over" in premultiplied
linear light, the screen shows through what is left, and sensor noise is added before the sRGB
encoding. The coverage that comes out is the exact ground-truth alpha of the frame.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .layers import Layer
from .scene import Scene

__all__ = ["FrameRenderer", "LINEAR_TO_SRGB_4095"]


def _linear_to_srgb(v: np.ndarray) -> np.ndarray:
    return np.where(v <= 0.0031308, v * 12.92, 1.055 * np.power(np.maximum(v, 0.0), 1 / 2.4) - 0.055)


LINEAR_TO_SRGB_4095 = np.clip(np.round(_linear_to_srgb(np.arange(4096) / 4095.0) * 255.0), 0, 255).astype(np.uint8)

_MAX_SUBFRAMES = 24


def _corners(layer: Layer) -> np.ndarray:
    h, w = layer.alpha.shape
    return np.array([[0, 0, 1], [w, 0, 1], [0, h, 1], [w, h, 1]], np.float64).T


class FrameRenderer:
    """Renders frames of a :class:`Scene`.

    :param scene: what to render.
    :param shutter: fraction of a frame interval the shutter is open.
    :param noise: sensor noise standard deviation (linear light).
    :param rng: the random generator for the noise.
    """

    def __init__(self, scene: Scene, shutter: float, noise: float, rng: np.random.Generator) -> None:
        self.scene = scene
        self.shutter = max(0.0, float(shutter))
        self.noise = float(noise)
        self.rng = rng
        self._stacks = [layer.stacked() for layer in scene.layers]

    def _subframes(self, layer: Layer, t: float) -> list[float]:
        if self.shutter <= 0:
            return [t]
        a, b = t - self.shutter / 2, t + self.shutter / 2
        c = _corners(layer)
        pa = layer.pose(a).matrix(layer.anchor) @ c
        pb = layer.pose(b).matrix(layer.anchor) @ c
        travel = float(np.max(np.hypot(*(pb - pa))))
        n = int(min(_MAX_SUBFRAMES, max(1, math.ceil(travel / 1.0))))
        return [a + (b - a) * (k + 0.5) / n for k in range(n)]

    def coverage(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """Premultiplied figure colour (H, W, 3) and its alpha (H, W) at time ``t`` (frames), linear."""
        s = self.scene
        colour = np.zeros((s.height, s.width, 3), np.float32)
        alpha = np.zeros((s.height, s.width), np.float32)
        for layer, stack in zip(s.layers, self._stacks):
            times = self._subframes(layer, t)
            mats = [layer.pose(ti).matrix(layer.anchor) for ti in times]
            pts = np.concatenate([m @ _corners(layer) for m in mats], axis=1)
            x0, y0 = max(0, int(math.floor(pts[0].min())) - 1), max(0, int(math.floor(pts[1].min())) - 1)
            x1, y1 = min(s.width, int(math.ceil(pts[0].max())) + 2), min(s.height, int(math.ceil(pts[1].max())) + 2)
            if x1 <= x0 or y1 <= y0:
                continue
            acc = np.zeros((y1 - y0, x1 - x0, 4), np.float32)
            for m in mats:
                m = m.copy()
                m[0, 2] -= x0
                m[1, 2] -= y0
                acc += cv2.warpAffine(
                    stack,
                    m,
                    (x1 - x0, y1 - y0),
                    flags=cv2.INTER_LINEAR,
                    borderMode=cv2.BORDER_CONSTANT,
                    borderValue=(0, 0, 0, 0),
                )
            acc *= 1.0 / len(mats)
            np.clip(acc[..., 3], 0.0, 1.0, out=acc[..., 3])
            a_l = acc[..., 3]
            keep = 1.0 - a_l
            roi_c = colour[y0:y1, x0:x1]
            roi_a = alpha[y0:y1, x0:x1]
            roi_c *= keep[..., None]
            roi_c += acc[..., :3]
            roi_a *= keep
            roi_a += a_l
        np.clip(alpha, 0.0, 1.0, out=alpha)
        return colour, alpha

    def render(self, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Frame ``index``: sRGB uint8 image (H, W, 3), exact alpha float32 (H, W), premultiplied colour (linear)."""
        s = self.scene
        colour, alpha = self.coverage(float(index))
        gain = float(s.flicker[index % len(s.flicker)])
        keep = cv2.multiply(cv2.subtract(1.0, alpha), gain)
        image = cv2.multiply(s.screen_plate, cv2.merge([keep, keep, keep]))
        cv2.add(image, colour, dst=image)
        if self.noise > 0:
            # read plus shot noise; drawn at half size and interpolated, so it is spatially correlated
            # as demosaiced sensor noise is (the factor restores the variance interpolation removes)
            h, w = alpha.shape
            grain = self.rng.standard_normal(((h + 1) // 2, (w + 1) // 2, 3), dtype=np.float32)
            grain = cv2.resize(grain, (w, h), interpolation=cv2.INTER_LINEAR)
            sigma = cv2.sqrt(cv2.add(image, 0.25))
            cv2.multiply(
                sigma, (self.noise * 1.6, self.noise * 1.6, self.noise * 1.6 * 1.3), dst=sigma
            )  # blue noisiest
            cv2.add(image, cv2.multiply(sigma, grain), dst=image)
        np.clip(image, 0.0, 1.0, out=image)
        codes = cv2.multiply(image, 4095.0)
        return LINEAR_TO_SRGB_4095[(codes + 0.5).astype(np.uint16)], alpha, colour
