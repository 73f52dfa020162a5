"""SMPTE timecode of a clip's first frame, so an output conforms to its source by timecode.

Camera files carry a start timecode (a QuickTime ``tmcd`` track, an MXF or Matroska tag) that
editors match clips by. An output starts at the source frame its job starts at, so its timecode is
the source's moved on by that many frames. Drop-frame timecode (29.97 and 59.94 fps, written with
``;``) skips frame numbers 0 and 1 (0–3 at 59.94) at each minute except every tenth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping

__all__ = ["Timecode", "timecode_of"]

_FORM = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})([:;.,])(\d{2,3})$")


@dataclass(frozen=True)
class Timecode:
    """A timecode as a frame count from 00:00:00:00 at a nominal (integer) rate."""

    frame: int
    rate: int
    drop: bool = False

    @classmethod
    def parse(cls, text: str, frame_rate: Fraction | float) -> Timecode | None:
        """``HH:MM:SS:FF`` (or ``HH:MM:SS;FF`` drop-frame) at ``frame_rate``; ``None`` if it is not one."""
        m = _FORM.match(text.strip())
        rate = int(round(float(frame_rate))) if frame_rate else 0
        if m is None or rate <= 0:
            return None
        hh, mm, ss, sep, ff = int(m[1]), int(m[2]), int(m[3]), m[4], int(m[5])
        drop = sep in ";," and rate % 30 == 0 and abs(float(frame_rate) * 1.001 - rate) < 0.01
        if mm > 59 or ss > 59 or ff >= rate:
            return None
        minutes = 60 * hh + mm
        frame = (3600 * hh + 60 * mm + ss) * rate + ff
        if drop:
            frame -= _dropped_per_minute(rate) * (minutes - minutes // 10)
        return cls(frame, rate, drop)

    def shifted(self, frames: int) -> Timecode:
        """The timecode ``frames`` frames later (wrapping at 24 hours)."""
        day = 24 * 3600 * self.rate
        if self.drop:
            day -= _dropped_per_minute(self.rate) * (24 * 60 - 24 * 6)
        return Timecode((self.frame + frames) % day, self.rate, self.drop)

    def __str__(self) -> str:
        n = self.frame
        if self.drop:
            skip = _dropped_per_minute(self.rate)
            per_minute = 60 * self.rate - skip
            per_ten = 10 * per_minute + skip
            tens, rest = divmod(n, per_ten)
            n += 9 * skip * tens + (skip * ((rest - skip) // per_minute) if rest > skip else 0)
        ff = n % self.rate
        seconds = n // self.rate
        return f"{seconds // 3600 % 24:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{';' if self.drop else ':'}{ff:02d}"


def _dropped_per_minute(rate: int) -> int:
    return 2 * rate // 30


def timecode_of(stream_tags: Mapping[str, str], other_tags: list[Mapping[str, str]], frame_rate: Fraction) -> Timecode | None:
    """The start timecode among a video stream's tags, then a timecode track's or the container's."""
    for tags in (stream_tags, *other_tags):
        for key, value in tags.items():
            if key.lower() == "timecode" and value:
                found = Timecode.parse(str(value), frame_rate)
                if found is not None:
                    return found
    return None
