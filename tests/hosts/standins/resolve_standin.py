"""A stateful stand-in for DaVinci Resolve's scripting API (the objects behind ``resolve``).

It keeps what a real Resolve keeps (projects, a media pool of clips probed from real files,
timelines with tracks and items that have record start/end and source offsets, clip mattes) and
checks arguments the way Resolve's README states them: 1-based track indexes, integer frames,
known clipInfo keys, existing files. A method the real API does not have raises ``AttributeError``
at once, so an adapter cannot come to depend on something Resolve lacks.

Facts modelled (README "Basic Resolve API", v18/19/20; see docs/hosts.md):

- frames on a timeline are absolute: a timeline starts at 86400 (01:00:00:00 at 24 fps) and
  ``AppendToTimeline``'s ``recordFrame`` is on that same absolute scale;
- ``TimelineItem.GetLeftOffset()`` is the source in-point (source frames before the used part);
- ``AppendToTimeline``'s ``endFrame`` is exclusive from Resolve 19 on and inclusive before
  (the behaviour changed between 18.6 and 19.1; scripts handle both);
- appending onto a track where the range is already occupied fails (an empty list);
- ``MediaPool.GetSelectedClips()`` exists from 19.0.2 on.

The objects live in ``resolve_mediapool`` (media pool, clips, storage) and ``resolve_timeline``
(timelines and their items), on the base in ``resolve_api``. The harness functions at the bottom (``new_resolve``, ``add_clip_to_timeline``, ``set_playhead``,
``select_clips``) are what a user does by hand; adapters never call them.
"""

from __future__ import annotations

import os

from resolve_api import COMPOSITE_MODES, ResolveApiError, _ApiObject, _check_int  # noqa: F401  (ResolveApiError: for tests)
from resolve_mediapool import MediaPool, MediaStorage
from resolve_timeline import Timeline

class Resolve(_ApiObject):
    def __init__(self, version=(19, 1, 3, 7, "")) -> None:
        self._init_uid()
        self._version = list(version)
        self._storage = MediaStorage(self)
        self._pm = ProjectManager(self)
        for i, mode in enumerate(COMPOSITE_MODES):
            setattr(self, f"COMPOSITE_{mode}", i)
        self._page = "edit"
        self._fusion = None

    def GetProjectManager(self) -> "ProjectManager":
        return self._pm

    def GetMediaStorage(self) -> "MediaStorage":
        return self._storage

    def GetVersion(self) -> list:
        return list(self._version)

    def GetVersionString(self) -> str:
        major, minor, patch, build, suffix = self._version
        return f"{major}.{minor}.{patch}{suffix}.{build}"

    def GetProductName(self) -> str:
        return "DaVinci Resolve Studio"

    def GetCurrentPage(self) -> str:
        return self._page

    def OpenPage(self, page_name: str) -> bool:
        if page_name not in ("media", "cut", "edit", "fusion", "color", "fairlight", "deliver"):
            return False
        self._page = page_name
        return True

    def Fusion(self):
        if self._fusion is None:
            from fusion_standin import Fusion

            self._fusion = Fusion()
        return self._fusion

    def _at_least(self, *version: int) -> bool:
        return tuple(self._version[: len(version)]) >= version


class ProjectManager(_ApiObject):
    def __init__(self, resolve: Resolve) -> None:
        self._init_uid()
        self._resolve = resolve
        self._projects: dict[str, Project] = {}
        self._current: Project | None = None

    def CreateProject(self, name: str):
        if name in self._projects:
            return None
        project = Project(self._resolve, name)
        self._projects[name] = project
        self._current = project
        return project

    def LoadProject(self, name: str):
        self._current = self._projects.get(name)
        return self._current

    def GetCurrentProject(self):
        return self._current

    def SaveProject(self) -> bool:
        return self._current is not None


class Project(_ApiObject):
    def __init__(self, resolve: Resolve, name: str) -> None:
        self._init_uid()
        self._resolve = resolve
        self._name = name
        self._pool = MediaPool(self)
        self._timelines: list[Timeline] = []
        self._current_timeline: Timeline | None = None
        self._settings = {"timelineFrameRate": "24", "timelineResolutionWidth": "1920", "timelineResolutionHeight": "1080"}

    def GetName(self) -> str:
        return self._name

    def GetMediaPool(self) -> "MediaPool":
        return self._pool

    def GetTimelineCount(self) -> int:
        return len(self._timelines)

    def GetTimelineByIndex(self, idx: int):
        _check_int("idx", idx, 1)
        return self._timelines[idx - 1] if idx <= len(self._timelines) else None

    def GetCurrentTimeline(self):
        return self._current_timeline

    def SetCurrentTimeline(self, timeline) -> bool:
        if timeline not in self._timelines:
            return False
        self._current_timeline = timeline
        return True

    def GetSetting(self, name: str | None = None):
        if not name:
            return dict(self._settings)
        return self._settings.get(name, "")

    def SetSetting(self, name: str, value) -> bool:
        if not isinstance(value, str):
            raise ResolveApiError(f"SetSetting({name!r}, ...) takes a string value, not {type(value).__name__}")
        self._settings[name] = value
        return True


# --- the user's hands: harness functions that tests call, never adapters ------------------------------------------


def new_resolve(version=(19, 1, 3, 7, ""), project: str | None = "Test project", timeline: str | None = "Timeline 1",
                frame_rate: str = "24") -> Resolve:
    """A running Resolve with (optionally) an open project and an empty current timeline."""
    resolve = Resolve(version)
    if project:
        proj = resolve.GetProjectManager().CreateProject(project)
        proj.SetSetting("timelineFrameRate", frame_rate)
        if timeline:
            proj.GetMediaPool().CreateEmptyTimeline(timeline)
    return resolve


def add_clip_to_timeline(resolve: Resolve, path: str, *, record: int, source_in: int, duration: int, track: int = 1):
    """Import ``path`` and edit ``duration`` frames from ``source_in`` onto ``track`` at absolute frame ``record``."""
    project = resolve.GetProjectManager().GetCurrentProject()
    pool = project.GetMediaPool()
    existing = [c for c in pool._all_clips() if c._path == os.path.abspath(path)]
    mpi = existing[0] if existing else pool.ImportMedia([path])[0]
    timeline = project.GetCurrentTimeline()
    while timeline.GetTrackCount("video") < track:
        timeline.AddTrack("video")
    end = source_in + duration - (1 if not resolve._at_least(19) else 0)
    items = pool.AppendToTimeline([{"mediaPoolItem": mpi, "startFrame": source_in, "endFrame": end, "trackIndex": track,
                                    "recordFrame": record}])
    assert items, "the harness could not place the clip"
    return items[0]


def set_playhead(resolve: Resolve, frame: int) -> None:
    resolve.GetProjectManager().GetCurrentProject().GetCurrentTimeline()._playhead = frame


def select_clips(resolve: Resolve, clips: list) -> None:
    resolve.GetProjectManager().GetCurrentProject().GetMediaPool()._selected = list(clips)
