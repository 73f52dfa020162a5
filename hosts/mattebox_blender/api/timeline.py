"""Frame arithmetic of VSE strips: which source frames a strip shows, and where a layer must go to match.

Pure Python (no ``bpy``), so it is tested without Blender. A strip shows *content* frame ``k`` at
timeline frame ``frame_start + k``, for the timeline frames between its final start and end (the
trims, ``frame_offset_start/end``, hide content; negative offsets hold the first or last frame).
Content frame ``k`` is media frame ``k + animation_offset_start`` (the hold offsets cut media off
the strip), counted backwards when the strip plays reversed. A layer made from media frames
``first..last`` lines up with its source when it shows media frame ``m`` on the same timeline frame
as the source does, and has the same final start and end.
"""

import math
from typing import NamedTuple, Optional, Tuple

__all__ = ["LayerPlacement", "StripTiming", "layer_placement", "media_frame_at", "used_media_frames"]


class StripTiming(NamedTuple):
    """A strip's timing, as Blender's RNA gives it.

    :param frame_start: ``frame_start`` (float): the timeline frame of content frame 0.
    :param final_start: ``frame_final_start``: first timeline frame the strip shows.
    :param final_end: ``frame_final_end``: the timeline frame after its last one.
    :param length: ``frame_duration``: content frames (media frames minus hold offsets).
    :param anim_offset_start: ``animation_offset_start``: media frames cut off the start.
    :param reversed: ``use_reverse_frames``.
    """

    frame_start: float
    final_start: int
    final_end: int
    length: int
    anim_offset_start: int = 0
    reversed: bool = False


class LayerPlacement(NamedTuple):
    """Where a layer strip goes: set ``frame_start``, then the trims (which may be negative: holds)."""

    frame_start: float
    offset_start: float
    offset_end: float
    reversed: bool


def used_media_frames(timing):
    # type: (StripTiming) -> Optional[Tuple[int, int]]
    """The media frames ``(first, last)`` (0-based, inclusive) a strip shows; ``None`` if it shows none."""
    if timing.length <= 0 or timing.final_end <= timing.final_start:
        return None
    first = int(math.floor(timing.final_start - timing.frame_start))
    last = int(math.ceil(timing.final_end - timing.frame_start)) - 1
    first = min(max(first, 0), timing.length - 1)  # a hold before the content shows content frame 0
    last = min(max(last, 0), timing.length - 1)
    if timing.reversed:
        first, last = timing.length - 1 - last, timing.length - 1 - first
    return first + timing.anim_offset_start, last + timing.anim_offset_start


def layer_placement(timing, first, last):
    # type: (StripTiming, int, int) -> LayerPlacement
    """Place a layer holding media frames ``first..last`` of the source so it matches the source frame for frame.

    The layer's content frame ``j`` is media frame ``first + j`` (``last - j`` when reversed).
    """
    count = last - first + 1
    if timing.reversed:
        start = timing.frame_start + (timing.length - 1 + timing.anim_offset_start - last)
    else:
        start = timing.frame_start + (first - timing.anim_offset_start)
    return LayerPlacement(
        frame_start=start,
        offset_start=timing.final_start - start,
        offset_end=start + count - timing.final_end,
        reversed=timing.reversed,
    )


def media_frame_at(timing, frame):
    # type: (StripTiming, int) -> Optional[int]
    """The media frame the strip shows on timeline ``frame`` (``None`` outside the strip)."""
    if not timing.final_start <= frame < timing.final_end:
        return None
    k = min(max(int(math.floor(frame - timing.frame_start)), 0), timing.length - 1)
    if timing.reversed:
        k = timing.length - 1 - k
    return k + timing.anim_offset_start
