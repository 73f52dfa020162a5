"""From the chroma-resolution matte to the frame's full resolution, restoring the detail luma carries.

4:2:0 sources carry colour at half resolution, so the matte is estimated there; the luma plane
still holds every hair. Within a small window the matte is linear in the luma wherever one
foreground colour mixes with the screen, so the local slope (a regression of matte on luma at
half resolution) times the luma's full-resolution detail gives the detail back ("detail transfer").
Where the slope is unreliable it shrinks to zero and the result is plain bilinear upsampling.
Only the bounding box of the soft or opaque matte is processed at full resolution.
"""

from __future__ import annotations

import cv2
import numpy as np

from mattebox.matte.guided import guided_upsample

__all__ = ["upsample_matte"]

_EPS = 1e-4  # regularisation of the luma slope, in (luma 0..1)² units: above the codec's noise
_SOLID = 0.98  # a 3×3 neighbourhood at least this opaque is solid: no luma detail there


def _box(img: np.ndarray) -> np.ndarray:
    return cv2.blur(img, (3, 3), borderType=cv2.BORDER_REFLECT)


def _bbox(alpha: np.ndarray, margin: int) -> tuple[int, int, int, int] | None:
    rows = np.flatnonzero(cv2.reduce(alpha, 1, cv2.REDUCE_MAX).ravel() > 0)
    if rows.size == 0:
        return None
    cols = np.flatnonzero(cv2.reduce(alpha, 0, cv2.REDUCE_MAX).ravel() > 0)
    h, w = alpha.shape
    return (max(0, int(rows[0]) - margin), min(h, int(rows[-1]) + 1 + margin),
            max(0, int(cols[0]) - margin), min(w, int(cols[-1]) + 1 + margin))


def upsample_matte(alpha: np.ndarray, luma: np.ndarray, luma_half: np.ndarray, method: str = "detail") -> np.ndarray:
    """The full-resolution matte (float32, luma's shape) from ``alpha`` at chroma resolution.

    :param alpha: float32 (h, w) in 0..1 at chroma resolution.
    :param luma: uint8 (H, W) full-resolution luma plane.
    :param luma_half: uint8 (h, w) the luma averaged down to ``alpha``'s size.
    :param method: ``detail`` (luma detail transfer), ``guided`` (fast guided filter) or ``bilinear``.
    """
    big_h, big_w = luma.shape
    h, w = alpha.shape
    out = np.zeros((big_h, big_w), np.float32)
    if (h, w) == (big_h, big_w):
        np.copyto(out, alpha)
        return out
    box = _bbox(alpha, margin=3)
    if box is None:
        return out
    if big_h == 2 * h and big_w == 2 * w:  # crop: the box maps exactly onto full-resolution pixels
        y0, y1, x0, x1 = box
        Y0, Y1, X0, X1 = 2 * y0, 2 * y1, 2 * x0, 2 * x1
    else:  # odd sizes: whole frame, so that the scale matches the chroma siting of the source
        y0, y1, x0, x1 = 0, h, 0, w
        Y0, Y1, X0, X1 = 0, big_h, 0, big_w
    a = np.ascontiguousarray(alpha[y0:y1, x0:x1])
    size = (X1 - X0, Y1 - Y0)
    if method == "bilinear":
        out[Y0:Y1, X0:X1] = cv2.resize(a, size, interpolation=cv2.INTER_LINEAR)
        return out
    if method == "guided":
        res = guided_upsample(a, luma[Y0:Y1, X0:X1], radius=2, eps=1e-5)
        out[Y0:Y1, X0:X1] = res
        return out
    g_half = luma_half[y0:y1, x0:x1].astype(np.float32)
    mean_g = _box(g_half)
    mean_a = _box(a)
    cov = _box(g_half * a) - mean_g * mean_a
    var = _box(g_half * g_half) - mean_g * mean_g
    slope = cov / (var + _EPS * 255.0 * 255.0)  # per luma code
    # inside solid areas the matte owes nothing to luma edges (a logo on a shirt must not carve it)
    slope[cv2.erode(a, np.ones((3, 3), np.uint8)) >= _SOLID] = 0.0
    # full resolution: the upsampled matte plus slope × (luma − upsampled luma), i.e. the luma's detail
    detail = luma[Y0:Y1, X0:X1].astype(np.float32)
    detail -= cv2.resize(g_half, size, interpolation=cv2.INTER_LINEAR)
    detail *= cv2.resize(slope, size, interpolation=cv2.INTER_LINEAR)
    detail += cv2.resize(a, size, interpolation=cv2.INTER_LINEAR)
    np.clip(detail, 0.0, 1.0, out=detail)
    out[Y0:Y1, X0:X1] = detail
    return out
