"""From the chroma-resolution matte to the frame's full resolution, restoring the detail luma carries.

4:2:0 sources carry colour at half resolution, so the matte is estimated there; the luma plane
still holds every hair. Within a small window the matte is linear in the luma wherever one
foreground colour mixes with the screen, so the local slope (a regression of matte on luma at
half resolution) times the luma's full-resolution detail gives the detail back ("detail transfer").
Where the slope is unreliable it shrinks to zero and the result is plain bilinear upsampling.

Only soft pixels need the detail: the matte is upsampled bilinearly everywhere (one resize), and
the detail term is added at the children of soft chroma pixels alone, sampled with ``cv2.remap``.
"""

from __future__ import annotations

from typing import Callable

import cv2
import numpy as np
from mattebox.matte.guided import guided_upsample

from .regions import Box, empty_outside, object_boxes
from .sampling import sample_bilinear

__all__ = ["full_boxes", "upsample_matte"]

_EPS = 1e-4  # regularisation of the luma slope, in (luma 0..1)² units: above the codec's noise
_SOLID = 0.98  # a 3×3 neighbourhood at least this opaque is solid: no luma detail there
_CHILDREN = ((0, 0), (0, 1), (1, 0), (1, 1))


def _box(img: np.ndarray) -> np.ndarray:
    return cv2.blur(img, (3, 3), borderType=cv2.BORDER_REFLECT)


def _slope(a: np.ndarray, g_half: np.ndarray) -> np.ndarray:
    """Local regression slope of matte on luma (per 8-bit luma code), 0 inside solid areas."""
    mean_g = _box(g_half)
    mean_a = _box(a)
    cov = _box(g_half * a) - mean_g * mean_a
    var = _box(g_half * g_half) - mean_g * mean_g
    slope = cov / (var + _EPS * 255.0 * 255.0)
    # inside solid areas the matte owes nothing to luma edges (a logo on a shirt must not carve it)
    slope[cv2.erode(a, np.ones((3, 3), np.uint8)) >= _SOLID] = 0.0
    return slope


def full_boxes(boxes: list[Box]) -> list[Box]:
    """``boxes`` at chroma resolution → the same boxes at full (twice the) resolution."""
    return [(2 * y0, 2 * y1, 2 * x0, 2 * x1) for y0, y1, x0, x1 in boxes]


def upsample_matte(
    alpha: np.ndarray,
    luma: np.ndarray,
    luma_half: np.ndarray,
    method: str = "detail",
    *,
    boxes: list[Box] | None = None,
    empty: Callable[[tuple[int, ...], type, list[Box]], np.ndarray] = empty_outside,
) -> tuple[np.ndarray, list[Box] | None]:
    """The full-resolution matte (float32, luma's shape, within 0..1) from ``alpha`` at chroma resolution,
    and boxes (full resolution) outside which it is 0 (``None``: not known).

    :param alpha: float32 (h, w) in 0..1 at chroma resolution.
    :param luma: uint8 (H, W) full-resolution luma plane.
    :param luma_half: uint8 (h, w) the luma averaged down to ``alpha``'s size.
    :param method: ``detail`` (luma detail transfer), ``guided`` (fast guided filter) or ``bilinear``.
    :param boxes: boxes (at ``alpha``'s resolution, with a pixel of margin) holding every non-zero
        pixel of ``alpha``; found here when not given.
    :param empty: makes the result's array, 0 outside the (full-resolution) boxes
        (:func:`.regions.empty_outside`, or a pool's :meth:`~.buffers.ClearedArrays.take`).
    """
    big_h, big_w = luma.shape
    h, w = alpha.shape
    if (h, w) == (big_h, big_w):
        return np.clip(alpha, 0.0, 1.0), None
    if method == "guided":
        return np.clip(guided_upsample(alpha, luma, radius=2, eps=1e-5), 0.0, 1.0), None
    if big_h != 2 * h or big_w != 2 * w:  # odd sizes: the whole frame (detail needs the exact 2× grid)
        return np.clip(cv2.resize(alpha, (big_w, big_h), interpolation=cv2.INTER_LINEAR), 0.0, 1.0), None
    if method not in ("detail", "bilinear"):
        raise ValueError(f"unknown upsampling {method!r}")
    if boxes is None:
        boxes = object_boxes(cv2.compare(alpha, 0.0, cv2.CMP_GT))
    big_boxes = full_boxes(boxes)
    out = empty((big_h, big_w), np.float32, big_boxes)
    for y0, y1, x0, x1 in boxes:  # the matte is 0 elsewhere
        a = np.ascontiguousarray(alpha[y0:y1, x0:x1])
        region = out[2 * y0 : 2 * y1, 2 * x0 : 2 * x1]
        cv2.resize(a, (2 * (x1 - x0), 2 * (y1 - y0)), dst=region, interpolation=cv2.INTER_LINEAR)
        np.clip(region, 0.0, 1.0, out=region)  # float weights summing to 1 + ε, or an input out of range
        if method == "detail":
            _add_detail(out, a, luma, luma_half, y0, x0)
    return out, big_boxes


def _add_detail(out: np.ndarray, a: np.ndarray, luma: np.ndarray, luma_half: np.ndarray, y0: int, x0: int) -> None:
    """Add slope × luma detail at the full-resolution children of the soft pixels of box ``a`` (in place)."""
    h, w = a.shape
    soft = cv2.compare(a, 0.0, cv2.CMP_GT) & cv2.compare(a, _SOLID, cv2.CMP_LT)
    g_half = luma_half[y0 : y0 + h, x0 : x0 + w].astype(np.float32)
    slope = _slope(a, g_half)
    parents = cv2.dilate(soft, np.ones((3, 3), np.uint8))
    parents &= cv2.compare(np.abs(slope), 1e-6, cv2.CMP_GT)
    points = cv2.findNonZero(parents)
    if points is None:
        return
    points = points.reshape(-1, 2)
    px, py = points[:, 0], points[:, 1]
    # the four full-resolution children of each parent, and their positions on the parent grid
    cy = np.concatenate([2 * py + dy for dy, _ in _CHILDREN])
    cx = np.concatenate([2 * px + dx for _, dx in _CHILDREN])
    map_y = (cy.astype(np.float32) + 0.5) * 0.5 - 0.5
    map_x = (cx.astype(np.float32) + 0.5) * 0.5 - 0.5
    slope_c = sample_bilinear(slope, map_x, map_y)
    g_base = sample_bilinear(g_half, map_x, map_y)
    fy, fx = cy + 2 * y0, cx + 2 * x0
    if luma.flags.c_contiguous and out.flags.c_contiguous:  # flat indices: a third of the cost of (y, x) pairs
        flat = fy * out.shape[1] + fx
        detail = np.take(luma, flat).astype(np.float32)
        detail -= g_base
        detail *= slope_c
        detail += np.take(out, flat)
        np.clip(detail, 0.0, 1.0, out=detail)
        np.put(out, flat, detail)
        return
    detail = luma[fy, fx].astype(np.float32)
    detail -= g_base
    detail *= slope_c
    detail += out[fy, fx]
    np.clip(detail, 0.0, 1.0, out=detail)
    out[fy, fx] = detail
