"""The Resolve stand-in's timelines: tracks, items with record start/end and source offsets, appending clips."""

from __future__ import annotations

from resolve_api import COMPOSITE_MODES, ITEM_PROPERTIES, TRACK_TYPES, ResolveApiError, _ApiObject, _check_int, _check_track

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from resolve_mediapool import MediaPoolItem
    from resolve_standin import Project

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
