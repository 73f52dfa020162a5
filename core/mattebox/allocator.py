"""The C allocator's settings for a process that works on video frames (the ``mattebox`` command).

Every frame allocates and frees the same few dozen arrays of 0.5–8 MB (numpy temporaries, OpenCV
outputs). With glibc's defaults each worker thread gets its own arena, whose heaps are trimmed or
unmapped as soon as they empty, and large blocks go straight to ``mmap``: every frame's arrays land
on fresh pages, paid for with hundreds of page faults (kernel time and page zeroing) per 1080p
frame. One arena that keeps its freed memory reuses those pages frame after frame.

Only the runtime's own process is tuned (:func:`mattebox.cli.main.main` does it first): a host
application keeps its allocator as it is. Memory stays bounded: what is kept is what the largest
frame needed, and blocks above :data:`MMAP_THRESHOLD` are still mapped and returned.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import platform

__all__ = ["MMAP_THRESHOLD", "TRIM_THRESHOLD", "tune_allocator"]

log = logging.getLogger(__name__)

# mallopt(3) parameters
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8

MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's largest: a 4K float matte (33 MB) is still mapped
TRIM_THRESHOLD = 256 * 1024 * 1024  # free memory at the heap's top kept for the next frames

_tuned: bool | None = None


def tune_allocator() -> bool:
    """One malloc arena that keeps up to :data:`TRIM_THRESHOLD` of freed memory (glibc only; once).

    Call it before starting threads: threads that already have their own arena keep it.

    :returns: whether the settings are in effect (False on other C libraries, or if glibc refused).
    """
    global _tuned
    if _tuned is not None:
        return _tuned
    _tuned = False
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    settings = ((_M_ARENA_MAX, 1), (_M_MMAP_THRESHOLD, MMAP_THRESHOLD), (_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    _tuned = all(mallopt(param, value) == 1 for param, value in settings)
    log.debug("allocator tuned for frames: %s", _tuned)
    return _tuned
