"""Pre-processing exactly as each model family expects, from a decoded frame.

- ``stretch`` (MediaPipe): a rectangle of the frame (the whole frame, or a crop around the
  person) is stretched to the model size corner to corner with an affine warp, INTER_LINEAR and
  a zero border, as MediaPipe's ImageToTensorCalculator does. The warp runs on the decoder's
  Y'CbCr planes and only the model-size result is converted to RGB, so no full-resolution RGB
  frame is ever made (the conversion is affine, so the order does not change the result beyond
  rounding).
- ``short-side`` (MODNet): short side to ``short_side``, both sides floored to a multiple, INTER_AREA.
- ``native`` (RVM): the full-resolution RGB frame, sides rounded to the card's multiple.

Everything returns RGB float32 in 0..1, HxWx3; normalisation and layout belong to the runner.
"""

from __future__ import annotations

import cv2
import numpy as np

from mattebox.media.color import ycbcr_to_rgb
from mattebox.media.frame import Frame

__all__ = ["Rect", "auto_downsample_ratio", "luma", "native_input", "short_side_input", "short_side_size", "stretch_input"]

Rect = tuple[float, float, float, float]
"""``(x0, y0, x1, y1)`` in full-resolution pixel coordinates (corners, not pixel centres)."""


def _has_planes(frame: Frame) -> bool:
    name = frame.av_frame.format.name
    return name in ("yuv420p", "yuvj420p") and frame.width % 2 == 0 and frame.height % 2 == 0


def luma(frame: Frame) -> np.ndarray:
    """The frame's 8-bit luma (Y') plane, full resolution: the guide for edge-aware upsampling."""
    if _has_planes(frame):
        return frame.ycbcr420()[0]
    return cv2.cvtColor(frame.rgb(), cv2.COLOR_RGB2GRAY)


def _affine(rect: Rect, out_w: int, out_h: int, scale: float = 1.0) -> np.ndarray:
    """The 2x3 matrix taking ``rect`` (scaled by ``scale``, for chroma planes) onto (0,0)-(out_w,out_h)."""
    x0, y0, x1, y1 = (v * scale for v in rect)
    sx, sy = out_w / (x1 - x0), out_h / (y1 - y0)
    return np.array([[sx, 0.0, -x0 * sx], [0.0, sy, -y0 * sy]], dtype=np.float64)


def stretch_input(frame: Frame, rect: Rect, out_w: int, out_h: int) -> np.ndarray:
    """``rect`` of ``frame`` stretched to ``out_w``×``out_h`` RGB float32 0..1 (MediaPipe's pre-processing)."""
    flags = cv2.INTER_LINEAR
    if _has_planes(frame):
        y, cb, cr = frame.ycbcr420()
        ys = cv2.warpAffine(y, _affine(rect, out_w, out_h), (out_w, out_h), flags=flags, borderMode=cv2.BORDER_REPLICATE)
        # chroma planes are half size: the same rectangle in their coordinates
        m = _affine(rect, out_w, out_h, 0.5)
        cbs = cv2.warpAffine(cb, m, (out_w, out_h), flags=flags, borderMode=cv2.BORDER_REPLICATE)
        crs = cv2.warpAffine(cr, m, (out_w, out_h), flags=flags, borderMode=cv2.BORDER_REPLICATE)
        rgb = ycbcr_to_rgb(ys, cbs, crs, frame.color)
        x0, y0, x1, y1 = rect
        if x0 < 0 or y0 < 0 or x1 > frame.width or y1 > frame.height:
            # the zero border must be black RGB, as in MediaPipe, not what Y'CbCr zeros convert to
            inside = cv2.warpAffine(np.full_like(y, 255), _affine(rect, out_w, out_h), (out_w, out_h), flags=flags,
                                    borderMode=cv2.BORDER_CONSTANT, borderValue=0)
            rgb = cv2.multiply(rgb, cv2.merge([inside] * 3), scale=1.0 / 255.0)
    else:
        rgb = cv2.warpAffine(frame.rgb(), _affine(rect, out_w, out_h), (out_w, out_h), flags=flags,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    return rgb.astype(np.float32) * np.float32(1.0 / 255.0)


def short_side_size(width: int, height: int, short_side: int, multiple: int) -> tuple[int, int]:
    """MODNet's sizing: scale the short side to ``short_side``, floor both sides to ``multiple`` (≥ one multiple)."""
    scale = short_side / min(width, height)
    w, h = width * scale, height * scale
    return max(multiple, int(w) - int(w) % multiple), max(multiple, int(h) - int(h) % multiple)


def short_side_input(frame: Frame, short_side: int, multiple: int) -> np.ndarray:
    """The whole frame resized for a short-side model, RGB float32 0..1."""
    w, h = short_side_size(frame.width, frame.height, short_side, multiple)
    small = cv2.resize(frame.rgb(), (w, h), interpolation=cv2.INTER_AREA)
    return small.astype(np.float32) * np.float32(1.0 / 255.0)


def native_input(frame: Frame, multiple: int = 1) -> np.ndarray:
    """The full-resolution frame as RGB float32 0..1, resized only if its sides are not multiples of ``multiple``."""
    rgb = frame.rgb()
    if multiple > 1 and (frame.width % multiple or frame.height % multiple):
        w = max(multiple, frame.width - frame.width % multiple)
        h = max(multiple, frame.height - frame.height % multiple)
        rgb = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
    return rgb.astype(np.float32) * np.float32(1.0 / 255.0)


def auto_downsample_ratio(height: int, width: int, target: int = 512) -> float:
    """RVM's ``downsample_ratio``: the frame's long side brought to about ``target`` px, never above 1."""
    return float(min(target / max(height, width), 1.0))
