"""Deciding what to upload so the service accepts it, and what ``--fit`` changed to get there.

mattebox uploads the clip as it is whenever the service accepts it. It re-encodes only to cut
frame-exact chunks (a clip over the action's frame limit, or a ``--frames`` range) — chunks are
H.264 MP4 sized within the action's byte limit — or when ``--fit`` allows it: remuxing into MP4,
re-encoding under the size limit, downscaling into the resolution range. Without ``--fit`` a clip
outside the limits is refused with the service's code before anything is uploaded or billed.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field

from mattebox.errors import LimitExceededError, MatteboxError
from mattebox.limits import Limits
from mattebox.media.probe import MediaInfo

__all__ = ["UploadPlan", "fit_resolution", "plan_chunks", "plan_upload"]

# Codecs an MP4 can carry as they are (a remux, no re-encoding).
_MP4_CODECS = frozenset({"h264", "hevc", "mpeg4", "av1"})


@dataclass
class UploadPlan:
    """How the clip reaches the service.

    :param mode: ``original`` (the file as it is), ``remux`` (into MP4) or ``transcode`` (frame-exact chunks).
    :param size: the uploaded picture size when downscaled, else ``None``.
    :param chunks: ``[first, last]`` source frames per request.
    :param changes: what ``--fit`` changed, in words.
    """

    mode: str
    chunks: list[list[int]]
    size: list[int] | None = None
    max_bytes: int | None = None
    changes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def plan_chunks(first: int, count: int, max_frames: int | None) -> list[list[int]]:
    """Split ``count`` frames from ``first`` into the fewest balanced chunks of at most ``max_frames``."""
    n = 1 if not max_frames else max(1, math.ceil(count / max_frames))
    base, extra = divmod(count, n)
    chunks, start = [], first
    for i in range(n):
        size = base + (1 if i < extra else 0)
        chunks.append([start, start + size - 1])
        start += size
    return chunks


def fit_resolution(width: int, height: int, limits: Limits) -> tuple[int, int]:
    """The largest even size with the clip's aspect ratio inside ``limits``' maximums."""
    scale = 1.0
    for bound, side in ((limits.max_width, width), (limits.max_height, height), (limits.max_long_side, max(width, height)),
                        (limits.max_short_side, min(width, height))):
        if bound is not None and side > bound:
            scale = min(scale, bound / side)
    w, h = max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)
    return w, h


def _too_small(width: int, height: int, limits: Limits) -> bool:
    if limits.min_side is None:
        return False
    side = min(width, height)
    return side <= limits.min_side if limits.min_exclusive else side < limits.min_side


def plan_upload(info: MediaInfo, limits: Limits, first: int, count: int, *, fit: bool) -> UploadPlan:
    """Plan the upload of frames ``first..first+count-1``; raises the service's code if it cannot be accepted."""
    v = info.video
    name = os.path.basename(info.path)
    chunks = plan_chunks(first, count, limits.max_frames)
    cut = len(chunks) > 1 or first != 0 or count != v.frame_count
    if _too_small(v.width, v.height, limits):
        raise LimitExceededError("InvalidFile.Resolution", f"{name}: {v.width}x{v.height} is below the accepted {limits.describe_resolution()}",
                                 hint="no backend setting can fix this; use a local backend (`mattebox plugins`)")
    changes: list[str] = []
    size = None
    whole = Limits(**{**asdict(limits), "max_frames": None})
    problems = [e for e in whole.violations(info, label=name)]
    resolution = [e for e in problems if e.code == "InvalidFile.Resolution"]
    if resolution:
        if not fit:
            raise LimitExceededError(resolution[0].code, resolution[0].message, hint="add --fit yes to downscale it into range")
        size = list(fit_resolution(v.width, v.height, limits))
        changes.append(f"downscaled {v.width}x{v.height} to {size[0]}x{size[1]} (the mattes are scaled back up)")
    if cut or size is not None:
        mode = "transcode"  # cutting chunks or a range frame-exact means re-encoding them (H.264, high quality)
    else:
        others = [e for e in problems if e.code != "InvalidFile.Resolution"]
        if not others:
            mode = "original"
        elif not fit:
            first_err = others[0]
            also = "; ".join(e.message for e in others[1:])
            raise LimitExceededError(first_err.code, first_err.message + (f" (also: {also})" if also else ""),
                                     hint="add --fit yes to remux or re-encode it for the service")
        elif all(e.code == "InvalidFile.Type" for e in others) and v.codec in _MP4_CODECS:
            mode = "remux"
            changes.append(f"remuxed {os.path.splitext(name)[1].lstrip('.').upper() or 'the file'} into MP4 (no re-encoding)")
        else:
            mode = "transcode"
            changes.append("re-encoded as H.264 MP4 within the service's limits")
    if count <= 0:
        raise MatteboxError("InvalidParameter", "no frames to process")
    return UploadPlan(mode, chunks, size, limits.max_bytes, changes)
