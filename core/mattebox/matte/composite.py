"""Compositing a keyed foreground over a background, in linear light.

Light mixes linearly, so the over operation converts sRGB-encoded pixels to linear, mixes, and
encodes back (lookup tables keep this cheap: no float pow per pixel).
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["blur_background", "composite_over", "premultiply"]


def _srgb_to_linear(v: np.ndarray) -> np.ndarray:
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def _linear_to_srgb(v: np.ndarray) -> np.ndarray:
    return np.where(v <= 0.0031308, v * 12.92, 1.055 * np.power(np.maximum(v, 0), 1 / 2.4) - 0.055)


_TO_LINEAR = _srgb_to_linear(np.arange(256, dtype=np.float64) / 255.0).astype(np.float32)
_TO_SRGB_4096 = np.clip(np.round(_linear_to_srgb(np.arange(4097, dtype=np.float64) / 4096.0) * 255.0), 0, 255).astype(np.uint8)


_TO_LINEAR_16 = _srgb_to_linear(np.arange(65536, dtype=np.float64) / 65535.0).astype(np.float32)
_TO_SRGB_16 = np.round(_linear_to_srgb(np.arange(65537, dtype=np.float64) / 65536.0) * 65535.0).astype(np.uint16)


def composite_over(fg: np.ndarray, alpha: np.ndarray, bg: np.ndarray, *, linear: bool = True) -> np.ndarray:
    """``fg`` (straight RGB) over ``bg`` (RGB, same size) with ``alpha`` (float32 0..1).

    uint8 in, uint8 out; when either is uint16 (0..65535, a high-bit-depth source) both are taken
    at 16 bits and the result is uint16.
    """
    a = alpha[..., None] if alpha.ndim == 2 else alpha
    wide = fg.dtype == np.uint16 or bg.dtype == np.uint16
    if wide:
        fg, bg = (v if v.dtype == np.uint16 else v.astype(np.uint16) * np.uint16(257) for v in (fg, bg))
    top = 65535 if wide else 255
    if not linear:
        out = fg.astype(np.float32) * a + bg.astype(np.float32) * (1.0 - a)
        return np.clip(out + 0.5, 0, top).astype(fg.dtype)
    to_linear, to_srgb, steps = (_TO_LINEAR_16, _TO_SRGB_16, 65536.0) if wide else (_TO_LINEAR, _TO_SRGB_4096, 4096.0)
    f = to_linear[fg]
    b = to_linear[bg]
    mixed = b + a * (f - b)
    idx = np.clip(mixed * steps + 0.5, 0, steps).astype(np.intp if wide else np.uint16)
    return to_srgb[idx]


def premultiply(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Premultiplied RGB, uint8 or uint16 as given (in the encoded values, as video tools store premultiplied colour)."""
    top = np.iinfo(rgb.dtype).max
    return np.clip(rgb.astype(np.float32) * alpha[..., None] + 0.5, 0, top).astype(rgb.dtype)


def blur_background(rgb: np.ndarray, strength: float = 1.0, alpha: np.ndarray | None = None) -> np.ndarray:
    """A strongly blurred copy of the frame's background, for "portrait blur" composites.

    With ``alpha`` the foreground is left out of the blur (a normalised convolution weighted by
    1 − alpha), so the subject does not smear a dark or bright halo into the background around
    itself. Cheap: blurred at 1/8 resolution.
    """
    h, w = rgb.shape[:2]
    scale = 8
    size = (max(1, w // scale), max(1, h // scale))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    sigma = max(1.0, 3.0 * strength)
    if alpha is None:
        small = cv2.GaussianBlur(small, (0, 0), sigma)
    else:
        weight = 1.0 - cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
        num = cv2.GaussianBlur(small * weight[..., None], (0, 0), sigma)
        den = cv2.GaussianBlur(weight, (0, 0), sigma)
        # where the subject covers everything nearby, widen the search before giving up
        wide_num = cv2.GaussianBlur(small * weight[..., None], (0, 0), sigma * 4)
        wide_den = cv2.GaussianBlur(weight, (0, 0), sigma * 4)
        plain = cv2.GaussianBlur(small, (0, 0), sigma)
        near = den > 0.05
        far = ~near & (wide_den > 0.02)
        small = plain
        small[near] = num[near] / den[near][..., None]
        small[far] = wide_num[far] / wide_den[far][..., None]
    small = np.clip(small + 0.5, 0, 255).astype(np.uint8)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
