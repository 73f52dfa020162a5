"""One decoded source frame as backends see it: its place in the clip and lazy pixel views."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .color import ColorInfo, ycbcr_to_rgb

if TYPE_CHECKING:  # pragma: no cover
    import av

__all__ = ["Frame", "SourcePlanes"]

# planar Y'CbCr layouts whose decoded planes can be read as they are: name → bits per sample
_PLANAR_YCBCR = {
    f"yuv{alpha}{layout}p{suffix}": bits
    for alpha in ("", "a")
    for layout in ("420", "422", "444")
    for suffix, bits in (("", 8), ("10le", 10), ("12le", 12))
} | {f"yuvj{layout}p": 8 for layout in ("420", "422", "444")}


class SourcePlanes(NamedTuple):
    """A frame's Y', Cb, Cr planes as decoded: uint8 at 8 bits, uint16 codes (0..2^depth−1) above,
    chroma in the source's own subsampling (4:2:0, 4:2:2 or 4:4:4; read it from the shapes)."""

    y: np.ndarray
    cb: np.ndarray
    cr: np.ndarray
    depth: int


class Frame:
    """A decoded frame with its index in the source and cached pixel views.

    :param index: 0-based position of the frame in the source, in presentation order.
    :param time: presentation time in seconds from the source's first frame.
    :param av_frame: the decoded :class:`av.VideoFrame` (kept for its planes and metadata).
    :param color: how to turn its Y'CbCr into RGB.

    ``rgb()`` and ``ycbcr420()`` are computed once and cached; backends may read them from any
    thread but must not modify them.
    """

    __slots__ = ("index", "time", "pts", "av_frame", "color", "_rgb", "_planes", "_source")

    def __init__(self, index: int, time: float, av_frame: "av.VideoFrame", color: ColorInfo) -> None:
        self.index = index
        self.time = time
        self.pts: int = index  # in the reader's time base; the reader sets the container's pts
        self.av_frame = av_frame
        self.color = color
        self._rgb: np.ndarray | None = None
        self._planes: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._source: SourcePlanes | None = None

    @property
    def width(self) -> int:
        return int(self.av_frame.width)

    @property
    def height(self) -> int:
        return int(self.av_frame.height)

    def ycbcr420(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The 8-bit Y', Cb, Cr planes (chroma at half width and height, rounded up), converting other layouts.

        Read-only by contract: they may be views of the decoder's buffers.
        """
        if self._planes is None:
            frame = self.av_frame
            if frame.format.name not in ("yuv420p", "yuvj420p"):
                frame = frame.reformat(format="yuv420p")
            h, w = frame.height, frame.width
            cw, ch = (w + 1) // 2, (h + 1) // 2
            # views into the decoder's own buffers (no copy; they keep the frame alive)
            y = _plane(frame, 0, w, h)
            cb, cr = _plane(frame, 1, cw, ch), _plane(frame, 2, cw, ch)
            self._planes = (y, cb, cr)
        return self._planes

    def source_planes(self) -> SourcePlanes | None:
        """The decoded Y'CbCr planes at the source's own bit depth and chroma subsampling (views, no
        conversion), or ``None`` when the source is not planar Y'CbCr (RGB, gray, NV12...).

        Outputs that carry the picture (a keyed ProRes 4444) take their colour from these, so a
        10-bit 4:2:2 camera file keeps its precision; keying itself works on :meth:`ycbcr420`.
        Read-only by contract.
        """
        if self._source is None:
            frame = self.av_frame
            depth = _PLANAR_YCBCR.get(frame.format.name)
            if depth is None:
                return None
            if frame.format.name in ("yuv420p", "yuvj420p"):  # the keying planes themselves (made once)
                self._source = SourcePlanes(*self.ycbcr420(), 8)
            else:
                dtype = np.uint8 if depth == 8 else np.dtype("<u2")
                y, cb, cr = (_plane(frame, i, p.width, p.height, dtype) for i, p in enumerate(frame.planes[:3]))
                self._source = SourcePlanes(y, cb, cr, depth)
        return self._source

    def rgb(self) -> np.ndarray:
        """The frame as R'G'B' uint8 (H, W, 3), display-referred (sRGB/BT.709 encoded)."""
        if self._rgb is None:
            fmt = self.av_frame.format.name
            if fmt in ("rgb24",):
                self._rgb = self.av_frame.to_ndarray()
            elif fmt.startswith(("yuv", "yuvj", "nv12")) and "p10" not in fmt and "p12" not in fmt and "p16" not in fmt:
                y, cb, cr = self.ycbcr420()
                self._rgb = ycbcr_to_rgb(y, cb, cr, self.color)
            else:  # high bit depth, RGB planar, gray…: let swscale do it
                self._rgb = self.av_frame.to_ndarray(format="rgb24")
        return self._rgb

    def drop_pixels(self) -> None:
        """Free cached pixel views (the pipeline calls this once a frame is written)."""
        self._rgb = None
        self._planes = None
        self._source = None

    def __repr__(self) -> str:
        return f"Frame(index={self.index}, time={self.time:.4f}, {self.width}x{self.height})"


def _plane(frame: "av.VideoFrame", i: int, w: int, h: int, dtype: np.dtype | type = np.uint8) -> np.ndarray:
    """Plane ``i`` as an (h, w) view of ``dtype`` samples; contiguous when the line has no padding."""
    plane = frame.planes[i]
    size = np.dtype(dtype).itemsize
    arr = np.frombuffer(plane, dtype=dtype).reshape(-1, plane.line_size // size)[:h, :w]
    return arr if arr.flags.c_contiguous else np.ascontiguousarray(arr)


def time_of(pts: int | None, time_base: Fraction | None, first_pts: int) -> float:
    """Seconds between ``pts`` and the first frame's pts."""
    if pts is None or time_base is None:
        return 0.0
    return float((pts - first_pts) * time_base)
