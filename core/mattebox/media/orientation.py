"""How a clip is meant to be shown: the display matrix that phones write instead of turning pixels.

A portrait clip from a phone is usually coded landscape, with a display matrix in its container that
players (and Blender 5.0) apply. mattebox keeps its video outputs in the source's coded layout and
writes the same matrix into them, so any application shows an output exactly as it shows the source
(one that applies the matrix shows both upright, one that ignores it both coded); image sequences,
which cannot carry a matrix, are written as shown.

:class:`Orientation` turns pixels between the coded and the upright (displayed) layout, for the work
that must see people upright (a person segmenter) and for what people look at (previews).

The matrix is FFmpeg's (``libavutil/display.h``): nine int32, 16.16 fixed point except the third
column (2.30); a point ``(p, q)`` of the coded picture (x right, y down) is shown at
``p' = a·p + c·q + x``, ``q' = b·p + d·q + y``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

__all__ = ["IDENTITY", "Orientation", "display_matrix_of"]

IDENTITY = (1 << 16, 0, 0, 0, 1 << 16, 0, 0, 0, 1 << 30)


@dataclass(frozen=True)
class Orientation:
    """A display matrix and, when it is a quarter-turn rotation with or without a mirror, how to
    apply it to pixels.

    :param matrix: the nine values as the container stores them (written back unchanged).
    """

    matrix: tuple[int, ...]

    @classmethod
    def from_matrix(cls, matrix: Sequence[int] | None) -> Orientation | None:
        """The orientation for ``matrix``; ``None`` when there is none or it shows the picture as coded."""
        if matrix is None or len(matrix) != 9:
            return None
        values = tuple(int(v) for v in matrix)
        if _linear_part(values) == (1, 0, 0, 1) or not any(values[:2] + values[3:5]):
            return None  # identity (or a degenerate matrix that no player applies)
        return cls(values)

    @property
    def rectilinear(self) -> bool:
        """Whether the picture is turned by a multiple of 90° (optionally mirrored): what phones write
        and what :meth:`upright` can apply. Other matrices are carried over, not applied."""
        a, b, c, d = _linear_part(self.matrix)
        if None in (a, b, c, d) or self.matrix[2] != 0 or self.matrix[5] != 0:
            return False
        return (b == c == 0 and a != 0 and d != 0) or (a == d == 0 and b != 0 and c != 0)

    @property
    def transposed(self) -> bool:
        """Whether width and height swap on screen (a 90° or 270° turn)."""
        a, _, _, d = _linear_part(self.matrix)
        return self.rectilinear and a == 0 and d == 0

    @property
    def clockwise_degrees(self) -> float:
        """How far the picture is turned clockwise on screen, in [0, 360), after any mirror (which
        comes first: a mirrored picture is flipped left to right, then turned)."""
        m = list(self.matrix)
        if self.mirrored:  # take the left-right flip out first: it negates the 2×2 part's first row
            m[0], m[1] = -m[0], -m[1]
        sx, sy = math.hypot(m[0], m[3]), math.hypot(m[1], m[4])
        if not sx or not sy:
            return 0.0
        ccw = -math.degrees(math.atan2(m[1] / sy, m[0] / sx))  # as av_display_rotation_get
        return round(-ccw, 3) % 360.0

    @property
    def mirrored(self) -> bool:
        m = self.matrix
        return m[0] * m[4] - m[1] * m[3] < 0

    def display_size(self, width: int, height: int) -> tuple[int, int]:
        """``(width, height)`` of the picture as shown."""
        return (height, width) if self.transposed else (width, height)

    def describe(self) -> str:
        """E.g. ``"shown turned 90° clockwise"`` (for logs and ``describe()``)."""
        parts = ["mirrored"] if self.mirrored else []
        if self.clockwise_degrees:
            parts.append(f"turned {self.clockwise_degrees:g}° clockwise")
        return "shown " + (" and ".join(parts) if parts else "as coded")

    def upright(self, image: np.ndarray) -> np.ndarray:
        """``image`` (coded layout, H×W or H×W×C) as shown on screen; a view where possible."""
        self._require_rectilinear()
        a, b, c, d = _linear_part(self.matrix)
        if a == 0:  # p' ∝ q, q' ∝ p: rows become columns
            shown = np.swapaxes(image, 0, 1)
            flip_rows, flip_cols = b < 0, c < 0
        else:
            shown = image
            flip_rows, flip_cols = d < 0, a < 0
        return _flipped(shown, flip_rows, flip_cols)

    def coded(self, image: np.ndarray) -> np.ndarray:
        """The inverse of :meth:`upright`: a picture laid out as shown, back in the coded layout."""
        self._require_rectilinear()
        a, b, c, d = _linear_part(self.matrix)
        if a == 0:
            return np.swapaxes(_flipped(image, b < 0, c < 0), 0, 1)
        return _flipped(image, d < 0, a < 0)

    def _require_rectilinear(self) -> None:
        if not self.rectilinear:
            raise ValueError(f"the display matrix {self.matrix} is not a quarter turn: it cannot be applied to pixels")


def _linear_part(m: Sequence[int]) -> tuple[int | None, ...]:
    """The 2×2 part (a, b, c, d) as −1, 0 or 1 (16.16 fixed point, within 1%); ``None`` for any other value."""
    def unit(v: int) -> int | None:
        for u in (-1, 0, 1):
            if abs(v - u * 65536) <= 655:
                return u
        return None

    return tuple(unit(v) for v in (m[0], m[1], m[3], m[4]))


def _flipped(image: np.ndarray, rows: bool, cols: bool) -> np.ndarray:
    if rows:
        image = image[::-1]
    if cols:
        image = image[:, ::-1]
    return image


def display_matrix_of(av_frame) -> tuple[int, ...] | None:
    """The display matrix a decoded :class:`av.VideoFrame` carries (FFmpeg copies the container's onto
    every frame), or ``None``."""
    try:
        container = av_frame.side_data
        entries = list(container)
    except (AttributeError, TypeError):
        return None
    for entry in entries:
        kind = getattr(entry, "type", entry)  # PyAV 17/18 iterate the entries; PyAV 19 their types (a mapping)
        if getattr(kind, "name", "") != "DISPLAYMATRIX":
            continue
        data = entry if hasattr(entry, "type") else container[entry]
        raw = bytes(memoryview(data))
        if len(raw) >= 36:
            return tuple(int(v) for v in np.frombuffer(raw[:36], dtype=np.int32))
    return None
