"""Arrays reused from frame to frame that stay 0 outside the boxes a frame worked in.

Most of a keyed frame is screen: its mattes and masks are 0 there. A fresh array has to be
cleared in full (at 1080p a float matte is 8 MB of memory traffic a frame, on two cores shared with
the decoder and the encoder); a reused one only where the previous frame wrote (its boxes, 15-30%
of a frame), because everything else is still 0 from before.
"""

from __future__ import annotations

import threading
from collections import defaultdict

import numpy as np

from .regions import Box, zero_outside

__all__ = ["ClearedArrays"]


def _inside(box: Box, boxes: list[Box]) -> bool:
    y0, y1, x0, x1 = box
    return any(b[0] <= y0 and b[1] >= y1 and b[2] <= x0 and b[3] >= x1 for b in boxes)


class ClearedArrays:
    """A pool of arrays, each with the boxes outside which it is known to be 0.

    :meth:`take` hands out an array that is 0 outside the given boxes (undefined inside, for work
    that fills them); :meth:`give` takes one back with the boxes it may be non-zero in. An array
    not given back is simply garbage. Thread-safe.

    :param keep: arrays kept per shape and type (more in flight are allocated and dropped).
    """

    def __init__(self, keep: int = 8) -> None:
        self._free: dict[tuple, list[tuple[np.ndarray, list[Box] | None]]] = defaultdict(list)
        self._lock = threading.Lock()
        self._keep = keep

    def take(self, shape: tuple[int, ...], dtype, boxes: list[Box]) -> np.ndarray:
        """An array of ``shape`` and ``dtype``: 0 outside ``boxes``, undefined inside them."""
        key = (tuple(shape), np.dtype(dtype).str)
        with self._lock:
            free = self._free.get(key)
            entry = free.pop() if free else None
        if entry is None:
            return zero_outside(np.empty(shape, dtype), boxes)
        array, dirty = entry
        if dirty is None:  # may be non-zero anywhere
            return zero_outside(array, boxes)
        for box in dirty:  # clear what the last user wrote, unless the new user fills it anyway
            if not _inside(box, boxes):
                y0, y1, x0, x1 = box
                array[y0:y1, x0:x1] = 0
        return array

    def give(self, array: np.ndarray, boxes: list[Box] | None) -> None:
        """Take ``array`` back; it is 0 outside ``boxes`` (``None``: unknown, cleared in full on reuse)."""
        key = (array.shape, array.dtype.str)
        if not array.flags.writeable:
            return
        with self._lock:
            free = self._free[key]
            if len(free) < self._keep:
                free.append((array, None if boxes is None else list(boxes)))
