"""Build encoder-ready PyAV frames from numpy pixels, with the source's colour matrix and range.

PyAV cannot build planar high-bit-depth frames (ProRes' ``yuva444p10le``) from numpy, and swscale
spends ~12 ms on a 1080p RGB→``yuva444p10le`` conversion; here the planes are computed with
OpenCV straight into the frame's own buffers (no intermediate copies). When the foreground is the
source itself, :func:`yuv_frame_from_planes` skips RGB altogether and reuses the decoded planes.
"""

from __future__ import annotations

from collections import deque
from typing import Sequence

import av
import cv2
import numpy as np

from .color import ColorInfo, rgb_to_ycbcr_matrix

__all__ = ["FramePool", "bit_depth", "gray_frame", "rgb_frame", "yuv_frame", "yuv_frame_from_planes"]

_DEPTH = {"yuv420p": 8, "yuva420p": 8, "yuv422p10le": 10, "yuva444p10le": 10, "yuv444p10le": 10}
_SUB = {"yuv420p": (2, 2), "yuva420p": (2, 2), "yuv422p10le": (2, 1), "yuva444p10le": (1, 1), "yuv444p10le": (1, 1)}


def bit_depth(pix_fmt: str) -> int:
    """Bits per sample of a Y'CbCr encoder input format (8 for the others: ``rgb24``, ``gray``...)."""
    return _DEPTH.get(pix_fmt, 8)


_MATRIX_CACHE: dict[tuple[ColorInfo, int, int], np.ndarray] = {}

Boxes = Sequence[tuple[int, int, int, int]]


class FramePool:
    """Encoder input frames, reused once the encoder is done with them.

    A fresh 1080p ``yuva444p10le`` frame is 16 MB of new pages: in the encoder thread (whose malloc
    arena hands such blocks back to the system at once) touching them cost ~3 ms a frame. A pooled
    frame is made writable before reuse, so an encoder that still holds a picture (a look-ahead)
    keeps it intact and the pool gets a copy instead.

    :param size: frames kept (beyond an encoder's delay the buffers are free again).
    """

    def __init__(self, size: int = 3) -> None:
        self._frames: deque[av.VideoFrame] = deque()
        self._size = size

    def frame(self, width: int, height: int, pix_fmt: str) -> av.VideoFrame:
        """A writable frame of that size and format (its pixels are left over from earlier use)."""
        if len(self._frames) >= self._size:
            frame = self._frames.popleft()
            if (frame.width, frame.height, frame.format.name) == (width, height, pix_fmt):
                frame.make_writable()
                self._frames.append(frame)
                return frame
        frame = av.VideoFrame(width, height, pix_fmt)
        self._frames.append(frame)
        return frame


def _new_frame(pool: FramePool | None, width: int, height: int, pix_fmt: str) -> av.VideoFrame:
    return pool.frame(width, height, pix_fmt) if pool is not None else av.VideoFrame(width, height, pix_fmt)


def _views(frame: av.VideoFrame, depth: int) -> list[np.ndarray]:
    """Writable numpy views of every plane of ``frame`` (no copy)."""
    dtype = np.uint8 if depth == 8 else np.uint16
    size = np.dtype(dtype).itemsize
    out = []
    for plane in frame.planes:
        arr = np.frombuffer(plane, dtype=dtype).reshape(-1, plane.line_size // size)
        out.append(arr[: plane.height, : plane.width])
    return out


def _tag(frame: av.VideoFrame, color: ColorInfo, full_range: bool | None = None) -> None:
    frame.colorspace = color.av_colorspace
    frame.color_range = 2 if (color.full_range if full_range is None else full_range) else 1


def _rgb_matrix(color: ColorInfo, depth: int, in_max: int = 255) -> np.ndarray:
    """R'G'B' codes (0..``in_max``) → ``depth``-bit Y'CbCr codes (cached)."""
    key = (color, depth, in_max)
    m = _MATRIX_CACHE.get(key)
    if m is None:
        max_code = (1 << depth) - 1
        m = rgb_to_ycbcr_matrix(color, max_code).copy()
        if in_max != max_code:
            m[:, :3] *= max_code / in_max  # the input keeps its own scale
        _MATRIX_CACHE[key] = m
    return m


def _alpha_codes(alpha: np.ndarray, depth: int, out: np.ndarray, boxes: Boxes | None = None) -> None:
    """Write ``alpha`` (float 0..1) as full-range codes into ``out``.

    :param boxes: ``(y0, y1, x0, x1)`` boxes outside which ``alpha`` is 0: only they are converted,
        the rest of ``out`` is cleared (a keyed subject covers a fraction of the frame).
    """
    if boxes is None:
        boxes = [(0, alpha.shape[0], 0, alpha.shape[1])]
    else:
        out.fill(0)
    for y0, y1, x0, x1 in boxes:
        part, dst = alpha[y0:y1, x0:x1], out[y0:y1, x0:x1]
        if part.size == 0:
            continue
        if depth == 8:
            cv2.convertScaleAbs(part, dst=dst, alpha=255.0)
        else:
            cv2.multiply(part, float((1 << depth) - 1), dst=dst, dtype=cv2.CV_16U)  # rounded and saturated


def yuv_frame(rgb: np.ndarray, pix_fmt: str, color: ColorInfo, alpha: np.ndarray | None = None, *,
              pool: FramePool | None = None, alpha_boxes: Boxes | None = None) -> av.VideoFrame:
    """A ``pix_fmt`` frame from R'G'B' uint8, or uint16 on the 0..65535 scale (and alpha float32 0..1 for
    the ``yuva`` formats).

    Chroma is subsampled by area averaging, as a good encoder front end does. ``alpha_boxes``: boxes
    outside which ``alpha`` is 0 (see :class:`~mattebox.backend.MatteResult`).
    """
    h, w = rgb.shape[:2]
    depth = _DEPTH[pix_fmt]
    wide = rgb.dtype == np.uint16
    m = _rgb_matrix(color, depth, 65535 if wide else 255)
    ycc = cv2.transform(rgb if depth == 8 or wide else rgb.astype(np.uint16), m)  # rounded and saturated
    if wide and depth == 8:
        ycc = cv2.convertScaleAbs(ycc)  # 8-bit codes computed from 16-bit R'G'B': rounded once
    frame = _new_frame(pool, w, h, pix_fmt)
    planes = _views(frame, depth)
    sx, sy = _SUB[pix_fmt]
    if sx == 1 and sy == 1:
        cv2.mixChannels([ycc], planes[:3], [0, 0, 1, 1, 2, 2])
    else:
        cv2.mixChannels([ycc], [planes[0]], [0, 0])
        chroma = ycc if ycc.shape[:2] == (h, w) else None
        small = cv2.resize(chroma, (planes[1].shape[1], planes[1].shape[0]), interpolation=cv2.INTER_AREA)
        cv2.mixChannels([small], planes[1:3], [1, 0, 2, 1])
    if pix_fmt.startswith("yuva"):
        if alpha is None:
            raise ValueError(f"{pix_fmt} needs an alpha plane")
        _alpha_codes(alpha, depth, planes[3], alpha_boxes)
    _tag(frame, color)
    return frame


def _requantised(codes: np.ndarray, depth: int, out_depth: int, dst: np.ndarray | None = None) -> np.ndarray:
    """``depth``-bit codes (integers, or float after resampling) as ``out_depth``-bit ones, into ``dst``
    when given (up: exact, by a power of two; down: rounded and saturated)."""
    if out_depth == depth and codes.dtype != np.float32:
        if dst is None:
            return codes
        dst[:] = codes
        return dst
    scale = 1 << (out_depth - depth) if out_depth > depth else 2.0 ** (out_depth - depth)  # (an integer is faster)
    if out_depth == 8:
        return cv2.convertScaleAbs(codes, dst=dst, alpha=scale)
    return cv2.multiply(codes, scale, dst=dst, dtype=cv2.CV_16U)


def yuv_frame_from_planes(y: np.ndarray, cb: np.ndarray, cr: np.ndarray, pix_fmt: str, color: ColorInfo,
                          alpha: np.ndarray | None = None, *, depth: int = 8, pool: FramePool | None = None,
                          alpha_boxes: Boxes | None = None) -> av.VideoFrame:
    """A ``pix_fmt`` frame from the source's own Y'CbCr planes: ``depth``-bit codes (uint8 at 8 bits,
    uint16 above), chroma at any subsampling (resampled to ``pix_fmt``'s).

    Used when the foreground is the source, or a keyer's despill of it: no R'G'B' round trip, no
    colour shift, and a 10-bit source keeps its 10 bits in a 10-bit output.
    """
    h, w = y.shape
    out_depth = _DEPTH[pix_fmt]
    frame = _new_frame(pool, w, h, pix_fmt)
    planes = _views(frame, out_depth)
    for src, dst in zip((y, cb, cr), planes[:3]):
        if src.shape == dst.shape:
            _requantised(src, depth, out_depth, dst)  # straight into the frame's buffer (one pass)
            continue
        up = dst.size > src.size
        interpolation = cv2.INTER_LINEAR if up else cv2.INTER_AREA
        size = (dst.shape[1], dst.shape[0])
        if out_depth >= depth:  # more bits first (exact), then resample (OpenCV's 16-bit resize is the faster)
            cv2.resize(_requantised(src, depth, out_depth), size, dst=dst, interpolation=interpolation)
        else:  # resample in float, then round once
            _requantised(cv2.resize(src.astype(np.float32), size, interpolation=interpolation), depth, out_depth, dst)
    if pix_fmt.startswith("yuva"):
        if alpha is None:
            raise ValueError(f"{pix_fmt} needs an alpha plane")
        _alpha_codes(alpha, out_depth, planes[3], alpha_boxes)
    _tag(frame, color)
    return frame


def gray_frame(alpha: np.ndarray, pix_fmt: str, color: ColorInfo | None = None, *,
               pool: FramePool | None = None, boxes: Boxes | None = None) -> av.VideoFrame:
    """A single-channel matte frame: ``gray``/``gray16be``/``gray16le`` (full range) or a Y'CbCr
    format with the matte in luma (video range, neutral chroma) for codecs without gray.

    :param boxes: boxes outside which ``alpha`` is 0 (see :class:`~mattebox.backend.MatteResult`).
    """
    h, w = alpha.shape
    if pix_fmt == "gray":
        frame = _new_frame(pool, w, h, "gray")
        _alpha_codes(alpha, 8, _views(frame, 8)[0], boxes)
        frame.color_range = 2
        return frame
    if pix_fmt in ("gray16be", "gray16le"):
        data = np.empty((h, w), np.uint16)
        _alpha_codes(alpha, 16, data, boxes)
        frame = av.VideoFrame.from_ndarray(data, format="gray16le")
        frame.color_range = 2
        return frame if pix_fmt == "gray16le" else frame.reformat(format="gray16be")
    depth = _DEPTH[pix_fmt]
    scale = 1 << (depth - 8)
    lo, span, neutral = 16 * scale, 219 * scale, 128 * scale
    frame = _new_frame(pool, w, h, pix_fmt)
    planes = _views(frame, depth)
    luma = cv2.multiply(alpha, float(span))
    cv2.add(luma, lo + 0.5, dst=luma)
    planes[0][:] = luma
    planes[1][:] = neutral
    planes[2][:] = neutral
    _tag(frame, color or ColorInfo(), full_range=False)
    return frame


def rgb_frame(rgb: np.ndarray, alpha: np.ndarray | None = None) -> av.VideoFrame:
    """An ``rgb24``/``rgba`` frame (for PNG), or ``rgb48be``/``rgba64be`` from uint16 R'G'B'."""
    if rgb.dtype == np.uint16:
        if alpha is None:
            return av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb48be")
        return av.VideoFrame.from_ndarray(cv2.merge([rgb, cv2.multiply(alpha, 65535.0, dtype=cv2.CV_16U)]),
                                          format="rgba64be")
    if alpha is None:
        return av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
    return av.VideoFrame.from_ndarray(cv2.merge([rgb, cv2.convertScaleAbs(alpha, alpha=255.0)]), format="rgba")
