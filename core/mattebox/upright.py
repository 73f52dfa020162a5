"""Person segmenters see people upright, whatever way the clip is coded.

A phone held upright writes its portrait clip coded sideways, with a display matrix that turns it
back on screen. A neural segmenter trained on upright people fails on the sideways picture, so a
backend that declares ``upright = True`` gets each frame turned as it is shown, and its mattes (and
foreground colours) are turned back into the coded layout that every output keeps. Backends that do
not care (the keyer: a screen is a screen either way) see the coded frames, at no cost.
"""

from __future__ import annotations

from typing import Sequence

import av
import numpy as np

from .backend import Backend, MatteResult, Processor
from .media.frame import Frame
from .media.orientation import Orientation
from .media.probe import MediaInfo

__all__ = ["UprightProcessor", "for_source", "upright_frame"]


def for_source(backend: Backend, processor: Processor, info: MediaInfo) -> Processor:
    """``processor``, wrapped in an :class:`UprightProcessor` when the backend wants upright frames and
    the clip is shown turned by a quarter turn (or mirrored)."""
    orientation = info.video.orientation
    if orientation is None or not orientation.rectilinear or not getattr(backend, "upright", False):
        return processor
    return UprightProcessor(processor, orientation)


def upright_frame(frame: Frame, orientation: Orientation) -> Frame:
    """``frame`` as shown on screen: a new 8-bit 4:2:0 frame with the same index, time, pts and colour."""
    planes = [np.ascontiguousarray(orientation.upright(p)) for p in frame.ycbcr420()]
    h, w = planes[0].shape
    av_frame = av.VideoFrame(w, h, "yuv420p")
    for plane, data in zip(av_frame.planes, planes):
        rows, cols = data.shape
        np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)[:rows, :cols] = data
    out = Frame(frame.index, frame.time, av_frame, frame.color)
    out.pts = frame.pts
    return out


class UprightProcessor:
    """Runs ``inner`` on upright frames and answers mattes in the coded layout.

    :param inner: the backend's processor.
    :param orientation: the source's (rectilinear) orientation.
    """

    def __init__(self, inner: Processor, orientation: Orientation) -> None:
        if not orientation.rectilinear:
            raise ValueError("only quarter turns and mirrors can be applied to frames")
        self.inner = inner
        self.orientation = orientation

    @property
    def batch_size(self) -> int:  # type: ignore[override]
        return self.inner.batch_size

    def prepare(self) -> None:
        self.inner.prepare()

    def process(self, frames: Sequence[Frame]) -> list[MatteResult]:
        return [self._coded(r) for r in self.inner.process([upright_frame(f, self.orientation) for f in frames])]

    def finish(self) -> list[MatteResult]:
        return [self._coded(r) for r in self.inner.finish()]

    def close(self) -> None:
        self.inner.close()

    def _coded(self, result: MatteResult) -> MatteResult:
        """``result`` turned back into the coded layout (copies: the backend's arrays are released)."""
        back = self.orientation.coded
        alpha = np.ascontiguousarray(back(result.alpha), dtype=np.float32)
        foreground = None if result.foreground is None else np.ascontiguousarray(back(result.foreground))
        ycbcr = None
        if result.foreground_ycbcr is not None:
            ycbcr = tuple(np.ascontiguousarray(back(p)) for p in result.foreground_ycbcr)
        if result.release is not None:
            result.release()
        return MatteResult(alpha, foreground, ycbcr, result.foreground_depth, alpha_in_range=result.alpha_in_range)  # type: ignore[arg-type]
