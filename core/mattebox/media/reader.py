"""Streaming decode of a source frame range, in presentation order, with frame-exact indices.

Frames are numbered by the order the decoder returns them (presentation order), never by their
timestamps: AVI timestamps come out shuffled by B-frame reordering. Where the container's
timestamps are reliable they are kept (VFR clips keep their timing); elsewhere each frame's time is
its index over the frame rate. A clip that ends early or cannot be decoded raises
``InvalidFile.Decode``: a truncated source never passes for a complete job.
"""

from __future__ import annotations

import logging
import os
from fractions import Fraction
from typing import Iterator

from ..errors import MatteboxError
from .frame import Frame
from .probe import MediaInfo, open_container

__all__ = ["FrameRange", "VideoReader", "parse_frame_range"]

log = logging.getLogger(__name__)

# Seek instead of decoding from the start when the range begins this many seconds in.
_SEEK_AFTER_S = 4.0


class FrameRange(tuple):
    """An inclusive, 0-based source frame range ``(first, last)``."""

    def __new__(cls, first: int, last: int) -> "FrameRange":
        return super().__new__(cls, (int(first), int(last)))

    @property
    def first(self) -> int:
        return self[0]

    @property
    def last(self) -> int:
        return self[1]

    def __len__(self) -> int:  # type: ignore[override]
        return 2

    @property
    def count(self) -> int:
        return self[1] - self[0] + 1


def parse_frame_range(text: str | tuple[int, int] | None, frame_count: int) -> FrameRange:
    """Parse ``A-B`` (inclusive, 0-based; ``A-`` means to the end, ``A`` a single frame) against a clip.

    Raises ``InvalidParameter`` naming the valid range.
    """
    last_valid = frame_count - 1
    if text is None or text == "":
        return FrameRange(0, last_valid)
    try:
        if isinstance(text, (tuple, list)):
            first, last = int(text[0]), (last_valid if text[1] is None else int(text[1]))
        else:
            s = str(text).strip()
            if "-" in s[1:]:
                a, b = s.split("-", 1) if not s.startswith("-") else ("-" + s[1:].split("-", 1)[0], s[1:].split("-", 1)[1])
                first = int(a)
                last = int(b) if b.strip() else last_valid
            else:
                first = last = int(s)
    except ValueError:
        raise MatteboxError("InvalidParameter.Format", f"--frames {text!r}: expected A-B, e.g. 0-{last_valid}") from None
    if first < 0 or last < first or last > last_valid:
        raise MatteboxError("InvalidParameter", f"--frames {text}: the clip has frames 0-{last_valid}")
    return FrameRange(first, last)


class VideoReader:
    """Iterate the frames of ``info``'s video stream within ``frames``.

    :param info: the probed source.
    :param frames: the inclusive range to read (default: all).
    :param threads: let the decoder use frame/slice threads (``thread_type = "AUTO"``).

    Each yielded :class:`Frame` carries ``index`` (source frame number), ``time`` (seconds since
    the source's first frame) and ``pts`` in :attr:`time_base`.
    """

    def __init__(self, info: MediaInfo, frames: FrameRange | None = None, *, threads: bool = True) -> None:
        self.info = info
        self.range = frames or FrameRange(0, info.video.frame_count - 1)
        self.threads = threads
        v = info.video
        if v.pts_reliable:
            self.time_base = v.time_base
        else:
            self.time_base = Fraction(1) / v.frame_rate if v.frame_rate else Fraction(1, 25)

    def __len__(self) -> int:
        return self.range.count

    def __iter__(self) -> Iterator[Frame]:
        import av

        v = self.info.video
        name = os.path.basename(self.info.path)
        first, last = self.range
        frame_dur = (1 / (v.frame_rate * v.time_base)) if v.frame_rate else 1
        start_pts = v.start_pts or 0
        with open_container(self.info.path) as container:
            stream = container.streams.video[0]
            if self.threads:
                stream.thread_type = "AUTO"
            index = 0
            if v.pts_reliable and not v.vfr and first / float(v.frame_rate or 25) > _SEEK_AFTER_S:
                target = int(start_pts + (first - 2 * max(1, int(v.frame_rate))) * frame_dur)
                container.seek(max(target, start_pts), stream=stream, backward=True, any_frame=False)
                index = None  # found from the first frame's pts
            emitted = 0
            try:
                for av_frame in container.decode(stream):
                    if index is None:
                        if av_frame.pts is None:
                            raise MatteboxError("InvalidFile.Decode", f"{name}: frame without timestamp after seeking")
                        index = int(round((av_frame.pts - start_pts) / frame_dur))
                    if index > last:
                        break
                    if index >= first:
                        if v.pts_reliable and av_frame.pts is not None:
                            pts = int(av_frame.pts)
                        else:
                            pts = index
                        t = float((pts - (start_pts if v.pts_reliable else 0)) * self.time_base)
                        frame = Frame(index, t, av_frame, v.color)
                        frame.pts = pts
                        yield frame
                        emitted += 1
                    index += 1
            except av.error.FFmpegError as exc:
                raise MatteboxError(
                    "InvalidFile.Decode", f"{name}: decoding failed at frame {index}: {exc.strerror or exc}"
                ) from None
        if emitted < self.range.count:
            got = first + emitted - 1
            raise MatteboxError(
                "InvalidFile.Decode",
                f"{name} ends early: frames {first}-{last} were asked for, the last decodable frame is {got}"
                " (truncated or damaged file)",
            )
