"""Guided filtering (He et al.), and the fast variant used to upsample a low-resolution mask so that
its edges follow the full-resolution image instead of the model's pixel grid."""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["guided_filter", "guided_upsample", "to_guide"]


def _box(img: np.ndarray, r: int) -> np.ndarray:
    return cv2.boxFilter(img, -1, (2 * r + 1, 2 * r + 1), normalize=True, borderType=cv2.BORDER_REFLECT)


def to_guide(image: np.ndarray) -> np.ndarray:
    """A float32 0..1 guide from an RGB uint8 image (luma) or a gray image of any dtype."""
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    if image.dtype == np.uint8:
        return image.astype(np.float32) * (1.0 / 255.0)
    if image.dtype == np.uint16:
        return image.astype(np.float32) * (1.0 / 65535.0)
    return image.astype(np.float32, copy=False)


def _coefficients(guide: np.ndarray, src: np.ndarray, r: int, eps: float) -> tuple[np.ndarray, np.ndarray]:
    mean_i = _box(guide, r)
    mean_p = _box(src, r)
    corr_ip = _box(guide * src, r)
    corr_ii = _box(guide * guide, r)
    var_i = corr_ii - mean_i * mean_i
    cov_ip = corr_ip - mean_i * mean_p
    a = cov_ip / (var_i + eps)
    b = mean_p - a * mean_i
    return _box(a, r), _box(b, r)


def guided_filter(guide: np.ndarray, src: np.ndarray, radius: int = 8, eps: float = 1e-3) -> np.ndarray:
    """Edge-preserving smoothing of ``src`` (float32 H×W) guided by ``guide`` (gray, same size)."""
    g = to_guide(guide)
    p = src.astype(np.float32, copy=False)
    a, b = _coefficients(g, p, max(1, int(radius)), float(eps))
    return a * g + b


def _clip01(img: np.ndarray) -> np.ndarray:
    cv2.threshold(img, 1.0, 1.0, cv2.THRESH_TRUNC, dst=img)
    return cv2.max(img, 0.0, dst=img)


def guided_upsample(mask: np.ndarray, guide: np.ndarray, radius: int = 8, eps: float = 1e-3, *, clip: bool = True) -> np.ndarray:
    """Upsample ``mask`` (float32, low resolution) to the size of ``guide`` along the guide's edges.

    The fast guided filter: the guide is reduced to the mask's resolution, the linear coefficients
    are computed there and upsampled bilinearly, then applied to the full-resolution guide, so the
    cost at full resolution is two resizes and one multiply-add per pixel (~6 ms at 1080p).

    :param mask: float32 (h, w) in 0..1.
    :param guide: the full-resolution frame: luma uint8 (H, W) preferably, or RGB uint8 / float gray.
    :param radius: filter radius in pixels *of the full-resolution guide*.
    :param eps: regularisation; smaller follows the guide's edges more closely.
    """
    if guide.ndim == 3:
        guide = cv2.cvtColor(guide, cv2.COLOR_RGB2GRAY)
    big_h, big_w = guide.shape
    h, w = mask.shape
    mask = mask.astype(np.float32, copy=False)
    if (h, w) == (big_h, big_w):
        out = guided_filter(guide, mask, radius, eps)
        return _clip01(out) if clip else out
    small = cv2.resize(guide, (w, h), interpolation=cv2.INTER_AREA)
    r_small = max(1, int(round(radius * w / big_w)))
    a, b = _coefficients(to_guide(small), mask, r_small, float(eps))
    a = cv2.resize(a, (big_w, big_h), interpolation=cv2.INTER_LINEAR)
    b = cv2.resize(b, (big_w, big_h), interpolation=cv2.INTER_LINEAR)
    g = guide.astype(np.float32) if guide.dtype == np.uint8 else to_guide(guide)  # float x float beats a mixed multiply
    out = cv2.multiply(a, g, scale=1.0 / 255.0 if guide.dtype == np.uint8 else 1.0)
    cv2.add(out, b, dst=out)
    return _clip01(out) if clip else out
