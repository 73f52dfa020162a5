"""The videoseg service's input limits per action, as declarative :class:`~mattebox.limits.Limits`.

One table serves the backend (checked before anything is uploaded or billed) and the emulator
(which enforces it with the service's codes). Cheap to import: no network or media libraries.
"""

from __future__ import annotations

from mattebox.limits import Limits
from mattebox.tasks import Task

__all__ = ["MAX_FRAMES_PER_REQUEST", "SERVICE_LIMITS"]

MAX_FRAMES_PER_REQUEST = 2000

SERVICE_LIMITS: dict[Task, Limits] = {
    # SegmentVideoBody: MP4, AVI, FLV, MOV; ≤ 1 GB; ≤ 2000 frames.
    Task.BODY: Limits(extensions=frozenset({"mp4", "avi", "flv", "mov"}), max_bytes=1 << 30, max_frames=MAX_FRAMES_PER_REQUEST),
    # SegmentHalfBody: MP4, MOV, AVI; resolution > 100×100 and ≤ 1080p.
    Task.HALFBODY: Limits(extensions=frozenset({"mp4", "mov", "avi"}), min_side=100, min_exclusive=True,
                          max_short_side=1080, max_long_side=1920),
    # SegmentGreenScreenVideo: MP4, AVI, MKV, MOV, FLV, TS, MPG; 75×75 ≤ resolution ≤ 2000×2000; ≤ 120 MB.
    Task.GREENSCREEN: Limits(extensions=frozenset({"mp4", "avi", "mkv", "mov", "flv", "ts", "mpg"}), max_bytes=120 << 20,
                             min_side=75, max_width=2000, max_height=2000),
}
