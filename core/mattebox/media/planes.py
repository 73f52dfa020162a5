"""Build encoder-ready PyAV frames from numpy pixels, with the source's colour matrix and range.

PyAV cannot build planar high-bit-depth frames (ProRes' ``yuva444p10le``) from numpy, and swscale's
RGB→Y'CbCr is slow at 1080p; here the planes are computed with OpenCV and written straight into the
frame's buffers (respecting their line padding).
"""

from __future__ import annotations

import av
import cv2
import numpy as np

from .color import ColorInfo, rgb_to_ycbcr_matrix

__all__ = ["gray_frame", "rgb_frame", "yuv_frame"]

_DEPTH = {"yuv420p": 8, "yuva420p": 8, "yuv422p10le": 10, "yuva444p10le": 10, "yuv444p10le": 10}
_SUB = {"yuv420p": (2, 2), "yuva420p": (2, 2), "yuv422p10le": (2, 1), "yuva444p10le": (1, 1), "yuv444p10le": (1, 1)}


def _write_plane(frame: av.VideoFrame, i: int, data: np.ndarray) -> None:
    plane = frame.planes[i]
    dtype = np.uint16 if data.dtype == np.uint16 else np.uint8
    itemsize = np.dtype(dtype).itemsize
    buf = np.frombuffer(plane, dtype=dtype).reshape(-1, plane.line_size // itemsize)
    h, w = data.shape
    buf[:h, :w] = data


def _tag(frame: av.VideoFrame, color: ColorInfo, full_range: bool | None = None) -> None:
    frame.colorspace = color.av_colorspace
    frame.color_range = 2 if (color.full_range if full_range is None else full_range) else 1


def yuv_frame(rgb: np.ndarray, pix_fmt: str, color: ColorInfo, alpha: np.ndarray | None = None) -> av.VideoFrame:
    """A ``pix_fmt`` frame from R'G'B' uint8 (and alpha float32 0..1 for the ``yuva`` formats).

    Chroma is subsampled by area averaging, as a good encoder front end does.
    """
    h, w = rgb.shape[:2]
    depth = _DEPTH[pix_fmt]
    max_code = (1 << depth) - 1
    m = rgb_to_ycbcr_matrix(color, max_code).copy()
    if depth == 8:
        ycc = cv2.transform(rgb, m)  # uint8 in, uint8 out, rounded and saturated
    else:
        m[:, :3] *= max_code / 255.0  # input stays 8-bit codes
        ycc = cv2.transform(rgb.astype(np.uint16), m)  # uint16 out, rounded and saturated
    y, cb, cr = cv2.split(ycc)
    sx, sy = _SUB[pix_fmt]
    if sx > 1 or sy > 1:
        cw, ch = (w + sx - 1) // sx, (h + sy - 1) // sy
        cb = cv2.resize(cb, (cw, ch), interpolation=cv2.INTER_AREA)
        cr = cv2.resize(cr, (cw, ch), interpolation=cv2.INTER_AREA)
    frame = av.VideoFrame(w, h, pix_fmt)
    planes = [y, cb, cr]
    if pix_fmt.startswith("yuva"):
        if alpha is None:
            raise ValueError(f"{pix_fmt} needs an alpha plane")
        a = alpha * float(max_code)
        a += 0.5
        np.clip(a, 0, max_code, out=a)
        planes.append(a.astype(np.uint8 if depth == 8 else np.uint16))
    for i, p in enumerate(planes):
        _write_plane(frame, i, p)
    _tag(frame, color)
    return frame


def gray_frame(alpha: np.ndarray, pix_fmt: str, color: ColorInfo | None = None) -> av.VideoFrame:
    """A single-channel matte frame: ``gray``/``gray16be``/``gray16le`` (full range) or a Y'CbCr
    format with the matte in luma (video range, neutral chroma) for codecs without gray."""
    h, w = alpha.shape
    if pix_fmt == "gray":
        frame = av.VideoFrame.from_ndarray(np.clip(alpha * 255.0 + 0.5, 0, 255).astype(np.uint8), format="gray")
        frame.color_range = 2
        return frame
    if pix_fmt in ("gray16be", "gray16le"):
        data = np.clip(alpha * 65535.0 + 0.5, 0, 65535).astype(np.uint16)
        frame = av.VideoFrame.from_ndarray(data, format="gray16le")
        frame.color_range = 2
        return frame if pix_fmt == "gray16le" else frame.reformat(format="gray16be")
    depth = _DEPTH[pix_fmt]
    scale = 1 << (depth - 8)
    lo, span, neutral = 16 * scale, 219 * scale, 128 * scale
    frame = av.VideoFrame(w, h, pix_fmt)
    dtype = np.uint8 if depth == 8 else np.uint16
    _write_plane(frame, 0, np.clip(alpha * span + lo + 0.5, 0, (1 << depth) - 1).astype(dtype))
    sx, sy = _SUB[pix_fmt]
    cw, ch = (w + sx - 1) // sx, (h + sy - 1) // sy
    chroma = np.full((ch, cw), neutral, dtype=dtype)
    _write_plane(frame, 1, chroma)
    _write_plane(frame, 2, chroma)
    _tag(frame, color or ColorInfo(), full_range=False)
    return frame


def rgb_frame(rgb: np.ndarray, alpha: np.ndarray | None = None) -> av.VideoFrame:
    """An ``rgb24``/``rgba`` frame (for PNG)."""
    if alpha is None:
        return av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
    a = np.clip(alpha * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return av.VideoFrame.from_ndarray(np.dstack([rgb, a]), format="rgba")
