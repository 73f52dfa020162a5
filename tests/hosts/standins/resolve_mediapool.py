"""The Resolve stand-in's media side: media pool, folders, clips probed from real files, media storage and clip mattes."""

from __future__ import annotations

import os
import re
from fractions import Fraction

import av

from resolve_api import (ALPHA_MODES, CLIP_INFO_KEYS, IMPORT_INFO_KEYS, VIDEO_EXTENSIONS, ResolveApiError, _ApiObject,
                         _check_int)
from resolve_timeline import Timeline

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from resolve_standin import Project, Resolve

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
