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

The harness functions at the bottom (``new_resolve``, ``add_clip_to_timeline``, ``set_playhead``,
``select_clips``) are what a user does by hand; adapters never call them.
"""

from __future__ import annotations

import itertools
import os
import re
from fractions import Fraction

import av

_ids = itertools.count(1)

TRACK_TYPES = ("video", "audio", "subtitle")
CLIP_INFO_KEYS = {"mediaPoolItem", "startFrame", "endFrame", "mediaType", "trackIndex", "recordFrame"}
IMPORT_INFO_KEYS = {"FilePath", "StartIndex", "EndIndex"}
COMPOSITE_MODES = ("NORMAL", "ADD", "SUBTRACT", "DIFF", "MULTIPLY", "SCREEN", "OVERLAY", "HARDLIGHT", "SOFTLIGHT",
                   "DARKEN", "LIGHTEN", "COLOR_DODGE", "COLOR_BURN", "EXCLUSION", "HUE", "SATURATE", "COLORIZE",
                   "LUMA_MASK", "DIVIDE", "LINEAR_DODGE", "LINEAR_BURN", "LINEAR_LIGHT", "VIVID_LIGHT", "PIN_LIGHT",
                   "HARD_MIX", "LIGHTER_COLOR", "DARKER_COLOR", "FOREGROUND", "ALPHA", "INVERTED_ALPHA", "LUM",
                   "INVERTED_LUM")
ITEM_PROPERTIES = {"Pan", "Tilt", "ZoomX", "ZoomY", "ZoomGang", "RotationAngle", "AnchorPointX", "AnchorPointY", "Pitch",
                   "Yaw", "FlipX", "FlipY", "CropLeft", "CropRight", "CropTop", "CropBottom", "CropSoftness",
                   "CropRetain", "DynamicZoomEase", "CompositeMode", "Opacity", "Distortion", "RetimeProcess",
                   "MotionEstimation", "Scaling", "ResizeFilter"}
ALPHA_MODES = ("None", "Straight", "Premultiplied")
VIDEO_EXTENSIONS = {".mov", ".mp4", ".mkv", ".avi", ".mxf", ".webm", ".m4v"}
IMAGE_EXTENSIONS = {".png", ".exr", ".dpx", ".tif", ".tiff", ".jpg", ".jpeg"}


class ResolveApiError(AssertionError):
    """An adapter called the API in a way the README does not allow (a bug in the adapter)."""


def _check_int(name: str, value, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ResolveApiError(f"{name} must be an int (Resolve rejects {type(value).__name__} {value!r})")
    if minimum is not None and value < minimum:
        raise ResolveApiError(f"{name}={value} is below {minimum}")
    return value


def _check_track(timeline: "Timeline", track_type, index) -> None:
    if track_type not in TRACK_TYPES:
        raise ResolveApiError(f"trackType must be one of {TRACK_TYPES}, not {track_type!r}")
    _check_int("trackIndex", index, 1)
    if index > len(timeline._tracks[track_type]):
        raise ResolveApiError(f"trackIndex {index} > GetTrackCount({track_type!r}) = {len(timeline._tracks[track_type])}")


class _ApiObject:
    """Base: any attribute that is not a documented method fails loudly."""

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(f"DaVinci Resolve's {type(self).__name__} has no {name}() in the scripting API (stand-in)")

    def GetUniqueId(self) -> str:
        return self._uid

    def _init_uid(self) -> None:
        self._uid = f"{type(self).__name__}-{next(_ids)}"


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


class Folder(_ApiObject):
    def __init__(self, name: str) -> None:
        self._init_uid()
        self._name = name
        self._clips: list[MediaPoolItem] = []
        self._subfolders: list[Folder] = []

    def GetName(self) -> str:
        return self._name

    def GetClipList(self) -> list:
        return list(self._clips)

    def GetSubFolderList(self) -> list:
        return list(self._subfolders)


def _probe_video(path: str) -> tuple[int, Fraction, int, int, str, bool]:
    """(frames, fps, width, height, codec, has_alpha) of a movie, counting packets like Resolve's indexer."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        rate = Fraction(stream.average_rate or stream.guessed_rate or 25)
        frames = sum(1 for p in container.demux(stream) if p.size)
        cc = stream.codec_context
        alpha = "a" in (cc.pix_fmt or "").replace("gray", "")
        return frames, rate, cc.width, cc.height, cc.name, alpha


class MediaPoolItem(_ApiObject):
    def __init__(self, path: str, frames: int, fps: Fraction, width: int, height: int, codec: str, alpha: bool,
                 start_index: int = 0) -> None:
        self._init_uid()
        self._path = path
        self._frames = frames
        self._fps = fps
        self._props = {
            "File Path": path, "File Name": os.path.basename(path), "Clip Name": os.path.basename(path),
            "FPS": float(fps), "Frames": str(frames), "Start": str(start_index), "End": str(start_index + frames - 1),
            "Resolution": f"{width}x{height}", "Video Codec": codec, "Type": "Video",
            "Alpha mode": "Straight" if alpha else "None",
        }
        self._metadata: dict[str, str] = {}
        self._mattes: list[str] = []

    def GetName(self) -> str:
        return self._props["Clip Name"]

    def GetMediaId(self) -> str:
        return self._uid

    def GetClipProperty(self, propertyName: str | None = None):
        if not propertyName:
            return dict(self._props)
        return self._props.get(propertyName, "")

    def SetClipProperty(self, propertyName: str, propertyValue) -> bool:
        if propertyName == "Alpha mode":
            if propertyValue not in ALPHA_MODES:
                return False
        elif propertyName in ("File Path", "File Name", "Frames", "FPS", "Resolution", "Video Codec", "Start", "End"):
            return False  # intrinsic, read-only
        self._props[propertyName] = propertyValue
        return True

    def GetMetadata(self, metadataType: str | None = None):
        if metadataType is None:
            return dict(self._metadata)
        return self._metadata.get(metadataType, "")

    def SetMetadata(self, metadataType, metadataValue=None) -> bool:
        if isinstance(metadataType, dict):
            self._metadata.update({str(k): str(v) for k, v in metadataType.items()})
            return True
        if not isinstance(metadataValue, str):
            raise ResolveApiError("SetMetadata(key, value) takes a string value")
        self._metadata[metadataType] = metadataValue
        return True


class MediaStorage(_ApiObject):
    def __init__(self, resolve: Resolve) -> None:
        self._init_uid()
        self._resolve = resolve

    def GetMountedVolumeList(self) -> list:
        return ["/"]

    def AddClipMattesToMediaPool(self, MediaPoolItem_, paths, stereoEye=None) -> bool:
        if not isinstance(MediaPoolItem_, MediaPoolItem):
            raise ResolveApiError("AddClipMattesToMediaPool's first argument must be a MediaPoolItem")
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise ResolveApiError("AddClipMattesToMediaPool takes a list of path strings")
        if stereoEye not in (None, "left", "right"):
            raise ResolveApiError("stereoEye must be 'left' or 'right'")
        if not paths or not all(os.path.isfile(p) for p in paths):
            return False
        for p in paths:
            if p not in MediaPoolItem_._mattes:
                MediaPoolItem_._mattes.append(p)
        return True

    def AddTimelineMattesToMediaPool(self, paths) -> list:
        project = self._resolve._pm._current
        return project._pool.ImportMedia(paths) if project else []


class MediaPool(_ApiObject):
    def __init__(self, project: Project) -> None:
        self._init_uid()
        self._project = project
        self._root = Folder("Master")
        self._current = self._root
        self._selected: list[MediaPoolItem] = []

    def GetRootFolder(self) -> Folder:
        return self._root

    def GetCurrentFolder(self) -> Folder:
        return self._current

    def SetCurrentFolder(self, folder) -> bool:
        if not isinstance(folder, Folder):
            raise ResolveApiError("SetCurrentFolder takes a Folder")
        self._current = folder
        return True

    def AddSubFolder(self, folder, name: str):
        if not isinstance(folder, Folder) or not isinstance(name, str):
            raise ResolveApiError("AddSubFolder(folder: Folder, name: str)")
        sub = Folder(name)
        folder._subfolders.append(sub)
        return sub

    def CreateEmptyTimeline(self, name: str):
        if any(t._name == name for t in self._project._timelines):
            return None
        timeline = Timeline(self._project, name)
        self._project._timelines.append(timeline)
        if self._project._current_timeline is None:
            self._project._current_timeline = timeline
        return timeline

    def _import_one(self, entry):
        if isinstance(entry, str):
            path = entry
            if not os.path.isfile(path):
                return None
            if os.path.splitext(path)[1].lower() in VIDEO_EXTENSIONS:
                return MediaPoolItem(os.path.abspath(path), *_probe_video(path))
            return MediaPoolItem(os.path.abspath(path), 1, Fraction(24), 0, 0, "still", False)
        if isinstance(entry, dict):
            unknown = set(entry) - IMPORT_INFO_KEYS
            if unknown or "FilePath" not in entry:
                raise ResolveApiError(f"ImportMedia clipInfo takes FilePath, StartIndex, EndIndex; got {sorted(entry)}")
            pattern = entry["FilePath"]
            first = _check_int("StartIndex", entry.get("StartIndex", 0), 0)
            last = _check_int("EndIndex", entry.get("EndIndex", first), first)
            if not re.search(r"%0?\d*d", pattern):
                raise ResolveApiError(f"ImportMedia clipInfo FilePath needs a %d pattern, got {pattern!r}")
            files = [pattern % i for i in range(first, last + 1)]
            if not all(os.path.isfile(f) for f in files):
                return None
            import cv2

            img = cv2.imread(files[0], cv2.IMREAD_UNCHANGED)
            alpha = img is not None and img.ndim == 3 and img.shape[2] == 4
            return MediaPoolItem(os.path.abspath(pattern), len(files), Fraction(float(self._project.GetSetting("timelineFrameRate"))),
                                 img.shape[1], img.shape[0], "png", alpha, start_index=first)
        raise ResolveApiError(f"ImportMedia takes paths or clipInfo dicts, not {type(entry).__name__}")

    def ImportMedia(self, items) -> list:
        if not isinstance(items, list):
            raise ResolveApiError("ImportMedia takes a list")
        created = []
        for entry in items:
            mpi = self._import_one(entry)
            if mpi is not None:
                self._current._clips.append(mpi)
                created.append(mpi)
        return created

    def _all_clips(self) -> list:
        out, stack = [], [self._root]
        while stack:
            folder = stack.pop()
            out.extend(folder._clips)
            stack.extend(folder._subfolders)
        return out

    def GetClipMatteList(self, MediaPoolItem_) -> list:
        if not isinstance(MediaPoolItem_, MediaPoolItem):
            raise ResolveApiError("GetClipMatteList takes a MediaPoolItem")
        return list(MediaPoolItem_._mattes)

    def DeleteClipMattes(self, MediaPoolItem_, paths) -> bool:
        before = len(MediaPoolItem_._mattes)
        MediaPoolItem_._mattes = [p for p in MediaPoolItem_._mattes if p not in paths]
        return len(MediaPoolItem_._mattes) < before

    def DeleteClips(self, clips) -> bool:
        for folder in [self._root]:
            folder._clips = [c for c in folder._clips if c not in clips]
        return True

    def GetSelectedClips(self) -> list:
        if not self._project._resolve._at_least(19, 0, 2):
            raise AttributeError("MediaPool.GetSelectedClips() only exists from Resolve 19.0.2 on (stand-in)")
        return list(self._selected)

    def SetSelectedClip(self, mediaPoolItem) -> bool:
        if not self._project._resolve._at_least(19, 0, 2):
            raise AttributeError("MediaPool.SetSelectedClip() only exists from Resolve 19.0.2 on (stand-in)")
        self._selected = [mediaPoolItem]
        return True

    def AppendToTimeline(self, *clips) -> list:
        timeline = self._project._current_timeline
        if timeline is None:
            return []
        if len(clips) == 1 and isinstance(clips[0], list):
            clips = tuple(clips[0])
        infos = []
        for clip in clips:
            if isinstance(clip, MediaPoolItem):
                infos.append({"mediaPoolItem": clip})
            elif isinstance(clip, dict):
                unknown = set(clip) - CLIP_INFO_KEYS
                if unknown:
                    raise ResolveApiError(f"AppendToTimeline clipInfo has unknown keys {sorted(unknown)}; allowed: {sorted(CLIP_INFO_KEYS)}")
                if not isinstance(clip.get("mediaPoolItem"), MediaPoolItem):
                    raise ResolveApiError("AppendToTimeline clipInfo needs a MediaPoolItem under 'mediaPoolItem'")
                infos.append(clip)
            else:
                raise ResolveApiError(f"AppendToTimeline takes MediaPoolItems or clipInfo dicts, not {type(clip).__name__}")
        return [item for item in (timeline._append(info) for info in infos) if item is not None]


class Timeline(_ApiObject):
    def __init__(self, project: Project, name: str) -> None:
        self._init_uid()
        self._project = project
        self._name = name
        self._start = 86400
        self._tracks: dict[str, list[list[TimelineItem]]] = {"video": [[]], "audio": [[]], "subtitle": []}
        self._track_names = {"video": ["Video 1"], "audio": ["Audio 1"], "subtitle": []}
        self._playhead = self._start

    def GetName(self) -> str:
        return self._name

    def GetStartFrame(self) -> int:
        return self._start

    def GetEndFrame(self) -> int:
        ends = [i._end for tracks in self._tracks.values() for track in tracks for i in track]
        return max(ends, default=self._start)

    def GetSetting(self, settingName: str | None = None):
        return self._project.GetSetting(settingName)

    def GetTrackCount(self, trackType: str) -> int:
        if trackType not in TRACK_TYPES:
            raise ResolveApiError(f"GetTrackCount takes one of {TRACK_TYPES}, not {trackType!r}")
        return len(self._tracks[trackType])

    def AddTrack(self, trackType: str, subTrackType=None) -> bool:
        if trackType not in TRACK_TYPES:
            raise ResolveApiError(f"AddTrack takes one of {TRACK_TYPES}, not {trackType!r}")
        if subTrackType is not None and trackType != "audio" and not isinstance(subTrackType, dict):
            raise ResolveApiError("AddTrack's second argument is the audio sub-track type or an options dict")
        self._tracks[trackType].append([])
        self._track_names[trackType].append(f"{trackType.title()} {len(self._tracks[trackType])}")
        return True

    def GetTrackName(self, trackType: str, trackIndex: int) -> str:
        _check_track(self, trackType, trackIndex)
        return self._track_names[trackType][trackIndex - 1]

    def SetTrackName(self, trackType: str, trackIndex: int, name: str) -> bool:
        _check_track(self, trackType, trackIndex)
        self._track_names[trackType][trackIndex - 1] = name
        return True

    def GetItemListInTrack(self, trackType: str, index: int) -> list:
        _check_track(self, trackType, index)
        return sorted(self._tracks[trackType][index - 1], key=lambda i: i._start)

    def GetCurrentVideoItem(self):
        for track in reversed(self._tracks["video"]):
            for item in track:
                if item._start <= self._playhead < item._end:
                    return item
        return None

    def GetCurrentTimecode(self) -> str:
        fps = round(float(self._project.GetSetting("timelineFrameRate").split()[0]))
        f = self._playhead
        return f"{f // (3600 * fps):02d}:{f // (60 * fps) % 60:02d}:{f // fps % 60:02d}:{f % fps:02d}"

    def DeleteClips(self, timelineItems, ripple: bool = False) -> bool:
        for tracks in self._tracks.values():
            for track in tracks:
                track[:] = [i for i in track if i not in timelineItems]
        return True

    def _append(self, info: dict):
        mpi: MediaPoolItem = info["mediaPoolItem"]
        if mpi not in self._project._pool._all_clips():
            raise ResolveApiError("AppendToTimeline: that MediaPoolItem is not in this project's media pool")
        start = _check_int("startFrame", info.get("startFrame", 0), 0)
        inclusive = not self._project._resolve._at_least(19)
        default_end = mpi._frames - 1 if inclusive else mpi._frames
        end = _check_int("endFrame", info.get("endFrame", default_end), 0)
        length = end - start + (1 if inclusive else 0)
        if length <= 0 or start + length > mpi._frames:
            return None
        media_type = _check_int("mediaType", info.get("mediaType", 1), 1)
        if media_type not in (1, 2):
            raise ResolveApiError("mediaType is 1 (video only) or 2 (audio only)")
        track_index = _check_int("trackIndex", info.get("trackIndex", 1), 1)
        _check_track(self, "video", track_index)
        track = self._tracks["video"][track_index - 1]
        if "recordFrame" in info:
            record = _check_int("recordFrame", info["recordFrame"], 0)
        else:
            record = max((i._end for i in track), default=self._start)
        if any(i._start < record + length and record < i._end for i in track):
            return None  # the range is occupied: Resolve places nothing
        item = TimelineItem(self, mpi, record, length, start, track_index)
        track.append(item)
        return item


class TimelineItem(_ApiObject):
    def __init__(self, timeline: Timeline, mpi: MediaPoolItem, record: int, duration: int, left_offset: int, track: int) -> None:
        self._init_uid()
        self._timeline = timeline
        self._mpi = mpi
        self._start = record
        self._end = record + duration
        self._left = left_offset
        self._track = track
        self._props = {"CompositeMode": 0, "Opacity": 100.0, "ZoomX": 1.0, "ZoomY": 1.0, "Pan": 0.0, "Tilt": 0.0}
        self._color = ""

    def GetName(self) -> str:
        return self._mpi.GetName()

    def GetStart(self) -> int:
        return self._start

    def GetEnd(self) -> int:
        return self._end

    def GetDuration(self) -> int:
        return self._end - self._start

    def GetLeftOffset(self) -> int:
        return self._left

    def GetRightOffset(self) -> int:
        return self._mpi._frames - self._left - self.GetDuration()

    def GetMediaPoolItem(self):
        return self._mpi

    def GetTrackTypeAndIndex(self) -> list:
        return ["video", self._track]

    def GetProperty(self, propertyKey: str | None = None):
        if propertyKey is None:
            return dict(self._props)
        return self._props.get(propertyKey)

    def SetProperty(self, propertyKey: str, propertyValue) -> bool:
        if propertyKey not in ITEM_PROPERTIES:
            raise ResolveApiError(f"TimelineItem.SetProperty: unknown key {propertyKey!r}")
        if propertyKey == "CompositeMode":
            _check_int("CompositeMode", propertyValue, 0)
            if propertyValue >= len(COMPOSITE_MODES):
                return False
        if propertyKey == "Opacity" and not 0.0 <= float(propertyValue) <= 100.0:
            return False
        self._props[propertyKey] = propertyValue
        return True

    def GetClipColor(self) -> str:
        return self._color

    def SetClipColor(self, colorName: str) -> bool:
        self._color = colorName
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
