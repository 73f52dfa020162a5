"""Declarative input limits, checked before any work or upload.

A backend declares a :class:`Limits` per task; :meth:`Limits.violations` compares a probed clip
against it and returns every problem at once, each as the error the videoseg service would answer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import LimitExceededError, MatteboxError

if TYPE_CHECKING:  # pragma: no cover
    from .media.probe import MediaInfo

__all__ = ["Limits", "check_limits"]


def _fmt_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


@dataclass(frozen=True)
class Limits:
    """What a backend accepts for one task. ``None`` means "no limit".

    :param extensions: accepted container file extensions (lower case, no dot).
    :param max_bytes: largest file size.
    :param max_frames: most frames per job (of the processed range).
    :param min_side: smallest width and height; ``min_exclusive`` makes it "greater than".
    :param max_width: largest width; ``max_height`` likewise.
    :param max_long_side: largest of (width, height); ``max_short_side`` the smaller one (for "≤ 1080p").
    """

    extensions: frozenset[str] | None = None
    max_bytes: int | None = None
    max_frames: int | None = None
    min_side: int | None = None
    min_exclusive: bool = False
    max_width: int | None = None
    max_height: int | None = None
    max_long_side: int | None = None
    max_short_side: int | None = None

    def violations(self, info: "MediaInfo", frames: int | None = None, *, label: str | None = None) -> list[MatteboxError]:
        """Every way ``info`` breaks these limits (an empty list when it fits).

        :param frames: the number of frames the job would process (defaults to the clip's).
        :param label: how to name the clip in messages (defaults to its file name).
        """
        name = label or os.path.basename(info.path)
        errs: list[MatteboxError] = []
        ext = os.path.splitext(info.path)[1].lower().lstrip(".")
        if self.extensions is not None and ext not in self.extensions:
            allowed = ", ".join(sorted(e.upper() for e in self.extensions))
            errs.append(LimitExceededError("InvalidFile.Type", f"{name}: .{ext or '?'} files are not accepted; accepted: {allowed}"))
        if self.max_bytes is not None and info.size_bytes > self.max_bytes:
            errs.append(LimitExceededError(
                "InvalidFile.Content",
                f"{name}: {_fmt_bytes(info.size_bytes)} is larger than the limit of {_fmt_bytes(self.max_bytes)}",
                hint="split the clip or re-encode it smaller (the cloud backend's --fit does it)",
            ))
        n = info.video.frame_count if frames is None else frames
        if self.max_frames is not None and n > self.max_frames:
            errs.append(LimitExceededError(
                "InvalidFile.Content", f"{name}: {n} frames exceed the limit of {self.max_frames} frames per job",
                hint="process a frame range with --frames A-B",
            ))
        w, h = info.video.width, info.video.height
        too_small = self.min_side is not None and (
            min(w, h) <= self.min_side if self.min_exclusive else min(w, h) < self.min_side
        )
        too_big = (
            (self.max_width is not None and w > self.max_width)
            or (self.max_height is not None and h > self.max_height)
            or (self.max_long_side is not None and max(w, h) > self.max_long_side)
            or (self.max_short_side is not None and min(w, h) > self.max_short_side)
        )
        if too_small or too_big:
            errs.append(LimitExceededError("InvalidFile.Resolution", f"{name}: {w}x{h} is outside the accepted {self.describe_resolution()}"))
        return errs

    def describe_resolution(self) -> str:
        """The resolution range in words, for messages and `mattebox plugins`."""
        parts = []
        if self.min_side is not None:
            parts.append(f"sides {'>' if self.min_exclusive else '≥'} {self.min_side}")
        if self.max_width is not None or self.max_height is not None:
            parts.append(f"at most {self.max_width or '∞'}x{self.max_height or '∞'}")
        if self.max_long_side is not None:
            parts.append(f"long side ≤ {self.max_long_side}")
        if self.max_short_side is not None:
            parts.append(f"short side ≤ {self.max_short_side}")
        return "resolution (" + ", ".join(parts) + ")" if parts else "any resolution"

    def describe(self) -> str:
        """All limits in one line."""
        parts = []
        if self.extensions is not None:
            parts.append("formats " + "/".join(sorted(e.upper() for e in self.extensions)))
        if self.max_bytes is not None:
            parts.append(f"≤ {_fmt_bytes(self.max_bytes)}")
        if self.max_frames is not None:
            parts.append(f"≤ {self.max_frames} frames")
        parts.append(self.describe_resolution())
        return "; ".join(parts)


def check_limits(limits: Limits, info: "MediaInfo", frames: int | None = None, *, label: str | None = None) -> None:
    """Raise the first violation of ``limits`` (its message lists any others too)."""
    errs = limits.violations(info, frames, label=label)
    if not errs:
        return
    first = errs[0]
    if len(errs) > 1:
        others = "; ".join(f"{e.code}: {e.message}" for e in errs[1:])
        raise LimitExceededError(first.code, f"{first.message} (also: {others})", hint=first.hint)
    raise first
