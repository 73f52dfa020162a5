"""Where the second pass looks, and how its result is merged with the first: pure array functions.

A person who fills a third of a 1080p frame gets about 85 of the selfie model's 256 pixels, so
arms merge with the torso. :func:`person_crop` finds a rectangle around the people in the first
pass's mask (with a margin, at the frame's aspect so the model sees the same stretch as in the
first pass, kept inside the frame); the model runs again on it, and :func:`merge_crop` pastes that
sharper mask into the working-resolution mask with a feathered seam. :class:`SceneCuts` flags
frames whose picture changed wholesale, where recurrent state and smoothing must start over.
"""

from __future__ import annotations

import cv2
import numpy as np

from .preprocess import Rect

__all__ = ["SceneCuts", "merge_crop", "person_crop", "work_size"]


def work_size(width: int, height: int, long_side: int = 640, detail: float = 256.0) -> tuple[int, int]:
    """The working resolution for merged masks.

    The frame divided by the whole factor closest to the crop pass's pixel size (the short side over
    ``detail``, the model's side) that brings the long side to ``long_side`` or less and divides
    both sides: finer would only interpolate the model's masks, and a whole factor lets the luma be
    box-averaged and the matte upsampled on their exact integer-scale paths (1080p: 480x270, 720p:
    640x360, 4K: 480x270). Without such a factor, the frame scaled so its long side is ``long_side``.
    """
    ideal = min(width, height) / detail
    least = max(1, -(-max(width, height) // long_side))
    whole = [k for k in range(least, max(least, int(ideal) + 1) + 1) if width % k == 0 and height % k == 0]
    if whole:
        k = min(whole, key=lambda k: (abs(k - ideal), k))
        return width // k, height // k
    scale = min(1.0, long_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def person_crop(mask: np.ndarray, rect: Rect, width: int, height: int, *, aspect: float = 1.0, margin: float = 0.2,
                max_area: float = 0.6, min_pixels: int = 12) -> Rect | None:
    """A rectangle around the foreground of ``mask`` (which covers ``rect`` of the frame), or ``None``.

    The rectangle has the model's aspect (``aspect`` = model width / height), so the second pass
    sees the people unstretched; where the people are taller (wider) than the frame allows it is
    cut to the frame. ``None`` when there is no foreground worth refining, or when the rectangle
    would cover more than ``max_area`` of the frame (a second pass there gains little).

    :param mask: the first pass's alpha, (h, w) float32.
    :param rect: the frame rectangle the mask covers.
    :param width: frame width; ``height`` likewise.
    :param margin: added on every side, as a share of the box's longer side.
    """
    fg = mask > 0.5
    if int(fg.sum()) < min_pixels:
        return None
    rows, cols = np.flatnonzero(fg.any(axis=1)), np.flatnonzero(fg.any(axis=0))
    h, w = mask.shape
    x0, y0, x1, y1 = rect
    sx, sy = (x1 - x0) / w, (y1 - y0) / h
    bx0, bx1 = x0 + cols[0] * sx, x0 + (cols[-1] + 1) * sx
    by0, by1 = y0 + rows[0] * sy, y0 + (rows[-1] + 1) * sy
    pad = margin * max(bx1 - bx0, by1 - by0)
    cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
    bw, bh = bx1 - bx0 + 2 * pad, by1 - by0 + 2 * pad
    if bw / bh < aspect:
        bw = bh * aspect
    else:
        bh = bw / aspect
    if bh > height:  # taller than the frame: keep the aspect, cut to the frame's height
        bw, bh = height * aspect, float(height)
    if bw > width:
        bw, bh = float(width), width / aspect
    if bh > height or (bw * bh) / (width * height) > max_area:
        return None
    cx = min(max(cx, bw / 2), width - bw / 2)
    cy = min(max(cy, bh / 2), height - bh / 2)
    return (cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2)


_RAMPS: dict[tuple[int, int], np.ndarray] = {}


def _ramp(h: int, w: int, share: float = 0.08) -> np.ndarray:
    """A weight map that is 1 inside and falls linearly to 0 over ``share`` of each side at the border."""
    key = (h, w)
    if key not in _RAMPS:
        ry = np.minimum(np.arange(h) + 0.5, h - np.arange(h) - 0.5) / max(1.0, share * h)
        rx = np.minimum(np.arange(w) + 0.5, w - np.arange(w) - 0.5) / max(1.0, share * w)
        _RAMPS[key] = np.minimum.outer(np.minimum(ry, 1.0), np.minimum(rx, 1.0)).astype(np.float32)
    return _RAMPS[key]


def merge_crop(base: np.ndarray, crop_mask: np.ndarray, crop: Rect, width: int, height: int) -> np.ndarray:
    """Paste ``crop_mask`` (the second pass over ``crop``) into ``base`` (working resolution), feathered.

    :param base: the working-resolution mask of the whole frame, (H', W') float32; modified in place.
    :param crop_mask: the model's mask of the crop, (h, w) float32.
    :param crop: the crop in full-resolution frame coordinates.
    :param width: the full-resolution frame width; ``height`` likewise.
    """
    bh, bw = base.shape
    ch, cw = crop_mask.shape
    sx, sy = bw / width, bh / height
    x0, y0, x1, y1 = crop[0] * sx, crop[1] * sy, crop[2] * sx, crop[3] * sy
    # crop-mask pixel corners (0..cw) -> working pixels (x0..x1): same corner-to-corner convention as the input warp
    m = np.array([[(x1 - x0) / cw, 0.0, x0], [0.0, (y1 - y0) / ch, y0]], dtype=np.float64)
    m[0, 2] += 0.5 * (x1 - x0) / cw - 0.5
    m[1, 2] += 0.5 * (y1 - y0) / ch - 0.5
    # only the crop's box (and a pixel around it, where the bilinear warp still reaches) changes
    bx0, by0 = max(0, int(np.floor(x0)) - 1), max(0, int(np.floor(y0)) - 1)
    bx1, by1 = min(bw, int(np.ceil(x1)) + 1), min(bh, int(np.ceil(y1)) + 1)
    if bx1 <= bx0 or by1 <= by0:
        return base
    m[0, 2] -= bx0
    m[1, 2] -= by0
    size = (bx1 - bx0, by1 - by0)
    placed = cv2.warpAffine(crop_mask, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    weight = cv2.warpAffine(_ramp(ch, cw), m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    part = base[by0:by1, bx0:bx1]
    cv2.subtract(placed, part, dst=placed)
    cv2.multiply(weight, placed, dst=placed)
    cv2.add(part, placed, dst=part)
    return base


class SceneCuts:
    """Flags a scene cut when a small thumbnail's mean luma change exceeds ``threshold`` (0..1)."""

    def __init__(self, threshold: float = 0.2) -> None:
        self.threshold = threshold
        self._prev: np.ndarray | None = None

    def __call__(self, luma: np.ndarray) -> bool:
        return self.changed(cv2.resize(luma, (64, 36), interpolation=cv2.INTER_AREA).astype(np.float32) * (1.0 / 255.0))

    def changed(self, thumb: np.ndarray) -> bool:
        """Like calling it with the luma, given the frame's thumbnail already made (float32 0..1, any small size)."""
        prev, self._prev = self._prev, thumb
        return prev is not None and prev.shape == thumb.shape and float(cv2.absdiff(thumb, prev).mean()) > self.threshold
