"""Resolve-side helpers: which timeline items to process, their source frames, and placing results.

Runs inside the user's own Python for Resolve (3.6 and later): standard library only, no
annotations beyond what 3.6 accepts.

Source range: a timeline item shows its clip from ``GetLeftOffset()`` (source frames before the
in-point) for ``GetDuration()`` timeline frames; when the clip's frame rate differs from the
timeline's, those timeline frames cover ``duration * clip_fps / timeline_fps`` source frames.
Placement: ``AppendToTimeline``'s ``recordFrame`` is on the same absolute scale as ``GetStart()``,
and its ``endFrame`` is exclusive from Resolve 19 on, inclusive before.
"""

import os
import re

from mattebox.publish import PublishError

__all__ = ["append_end_frame", "current_project", "find_free_track", "mattebox_bin", "output_folder", "parse_rate", "source_range",
           "target_items", "version"]

RATE = re.compile(r"[-+]?\d+(?:\.\d+)?")
BIN_NAME = "mattebox"


def parse_rate(value):
    """A frame rate from Resolve (``24``, ``"23.976"``, ``"29.97 DF"``, ``25.0``) as a float; 0.0 if unknown."""
    match = RATE.search(str(value or ""))
    return float(match.group(0)) if match else 0.0


def source_range(left_offset, duration, clip_fps, timeline_fps):
    """The inclusive 0-based source frames a timeline item uses: ``(first, last)``."""
    count = int(duration)
    if clip_fps > 0 and timeline_fps > 0 and abs(clip_fps - timeline_fps) > 1e-3:
        count = max(1, int(round(duration * clip_fps / timeline_fps)))
    first = int(left_offset)
    return first, first + count - 1


def version(resolve):
    """Resolve's version as a tuple of ints (``(19, 1, 3)``)."""
    fields = resolve.GetVersion() or []
    return tuple(int(f) for f in fields[:3] if isinstance(f, int) or str(f).isdigit())


def append_end_frame(resolve, first, count):
    """The ``endFrame`` that makes ``AppendToTimeline`` take ``count`` frames from ``first``."""
    exclusive = version(resolve) >= (19,)
    return first + count if exclusive else first + count - 1


def current_project(resolve):
    project = resolve.GetProjectManager().GetCurrentProject()
    if project is None:
        raise PublishError("Host.NoProject", "no project is open in DaVinci Resolve", hint="open a project, then run mattebox")
    return project


def _video_items(timeline):
    for index in range(1, timeline.GetTrackCount("video") + 1):
        for item in timeline.GetItemListInTrack("video", index) or []:
            yield index, item


def _track_of(timeline, target):
    for index, item in _video_items(timeline):
        if item.GetUniqueId() == target.GetUniqueId():
            return index
    return None


def target_items(resolve, project, timeline, target):
    """The ``(track index, timeline item)`` pairs to process.

    :param target: ``playhead`` (the clip under the playhead) or ``selected`` (every use on this
        timeline of the clips selected in the media pool; Resolve 19.0.2 and later).
    """
    if target == "playhead":
        item = timeline.GetCurrentVideoItem()
        if item is None:
            raise PublishError("Host.NoClip", "no clip under the playhead on timeline {}".format(timeline.GetName()),
                               hint="move the playhead over the clip to process")
        return [(_track_of(timeline, item), item)]
    if target != "selected":
        raise ValueError("target is 'playhead' or 'selected', not {!r}".format(target))
    if version(resolve) < (19, 0, 2):
        raise PublishError("Host.Unsupported", "this Resolve cannot tell which clips are selected (19.0.2 or later can)",
                           hint="use the clip under the playhead instead")
    selected = project.GetMediaPool().GetSelectedClips() or []
    wanted = set(c.GetUniqueId() for c in selected)
    found = [(index, item) for index, item in _video_items(timeline)
             if item.GetMediaPoolItem() is not None and item.GetMediaPoolItem().GetUniqueId() in wanted]
    if not found:
        raise PublishError("Host.NoClip", "none of the {} clip(s) selected in the media pool is used on timeline {}".format(
            len(selected), timeline.GetName()), hint="select clips that are on the current timeline, in the media pool")
    return found


def find_free_track(timeline, start, end, candidates):
    """A track among ``candidates`` with ``start..end`` free, else a new video track (added at the top)."""
    for index in candidates:
        if all(item.GetEnd() <= start or item.GetStart() >= end for item in timeline.GetItemListInTrack("video", index) or []):
            return index
    if not timeline.AddTrack("video"):
        raise PublishError("Host.PlaceFailed", "Resolve refused to add a video track to timeline {}".format(timeline.GetName()))
    index = timeline.GetTrackCount("video")
    candidates.append(index)
    return index


def mattebox_bin(pool):
    """The media pool's ``mattebox`` bin (created under the root folder on first use)."""
    root = pool.GetRootFolder()
    for folder in root.GetSubFolderList() or []:
        if folder.GetName() == BIN_NAME:
            return folder
    return pool.AddSubFolder(root, BIN_NAME)


def output_folder(source, chosen=""):
    """Where results go: ``chosen``, else ``mattebox/`` beside the source clip, else ``~/mattebox``."""
    if chosen:
        return os.path.abspath(os.path.expanduser(chosen))
    beside = os.path.join(os.path.dirname(source), "mattebox")
    parent = beside if os.path.isdir(beside) else os.path.dirname(source)
    if os.access(parent, os.W_OK | os.X_OK):
        return beside
    return os.path.join(os.path.expanduser("~"), "mattebox")
