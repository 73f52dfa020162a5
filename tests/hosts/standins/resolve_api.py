"""Shared pieces of the Resolve stand-in: the base object that rejects unknown methods, argument checks, constants."""

from __future__ import annotations

import itertools

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


def _check_track(timeline, track_type, index) -> None:
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
