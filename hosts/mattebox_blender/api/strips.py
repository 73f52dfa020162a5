"""Read VSE strips into clip descriptions, and put results back on the timeline next to their source.

Only this module and :mod:`.compat` touch strips. A keyed layer goes in the first free channel above
its source with ``ALPHA_OVER``; a matte goes there muted and drives a Mask modifier on the source.
Either is placed with :func:`.timeline.layer_placement`, so it starts, ends and shows each frame
exactly where the source does, and it copies the source's transform, crop, flips and strobe so it
also lines up in space.
"""

import logging
import os

import bpy

from mattebox.publish import PublishError, problem

from . import compat
from .timeline import StripTiming, layer_placement, used_media_frames

__all__ = ["MASK_MODIFIER", "add_keyed_layer", "add_layer", "add_matte", "container_of", "describe_strip", "free_channel_above",
           "strip_timing"]

log = logging.getLogger(__name__)

MASK_MODIFIER = "mattebox matte"
MAX_CHANNEL = 128


def strip_timing(strip):
    """The :class:`~.timeline.StripTiming` of a strip."""
    return StripTiming(
        frame_start=float(strip.frame_start),
        final_start=int(strip.frame_final_start),
        final_end=int(strip.frame_final_end),
        length=int(strip.frame_duration),
        anim_offset_start=int(getattr(strip, "animation_offset_start", 0)),
        reversed=bool(getattr(strip, "use_reverse_frames", False)),
    )


def _media_path(strip):
    if strip.type == "MOVIE":
        return bpy.path.abspath(strip.filepath, library=strip.id_data.library)
    if strip.type == "IMAGE" and len(strip.elements):
        return os.path.join(bpy.path.abspath(strip.directory, library=strip.id_data.library), strip.elements[0].filename)
    return ""


def _is_retimed(strip):
    keys = getattr(strip, "retiming_keys", None)
    return keys is not None and len(keys) > 2 or abs(float(getattr(strip, "speed_factor", 1.0)) - 1.0) > 1e-6


def describe_strip(strip):
    """What the pipeline needs to know about a strip.

    :returns: a dict with ``label``, ``source`` (absolute path), ``frames`` (media frames used),
        ``source_frames``, ``size`` and ``problems`` (``[{"code", "message"}]`` that block it).
    """
    label = "strip '{}'".format(strip.name)
    problems = []
    timing = strip_timing(strip)
    source = _media_path(strip)
    if strip.type == "MOVIE":
        total = timing.length + timing.anim_offset_start + int(getattr(strip, "animation_offset_end", 0))
        if getattr(strip, "stream_index", 0):
            problems.append(problem("InvalidParameter", "{}: uses video stream {} of its file; mattebox reads the first".format(
                label, strip.stream_index), hint="set the strip's Stream Index to 0"))
    elif strip.type == "IMAGE":
        total = len(strip.elements)
        if total != 1:
            problems.append(problem("InvalidFile.Type", "{}: an image sequence ({} images); mattebox takes movies and single images".format(
                label, total), hint="render the sequence to a movie (e.g. ProRes or FFV1) and use that strip"))
    else:
        total = 0
        problems.append(problem("InvalidFile.Type", "{}: a {} strip; select movie or image strips".format(label, strip.type.lower())))
    if _is_retimed(strip):
        problems.append(problem("InvalidParameter", "{}: is retimed (speed changes)".format(label),
                                hint="remove the retiming, process the strip, then retime the source and its layer together"))
    frames = used_media_frames(timing) if strip.type == "MOVIE" else ((0, 0) if total == 1 else None)
    if frames is None and not problems:
        problems.append(problem("InvalidParameter", "{}: shows no frames on the timeline".format(label)))
    size = None
    if len(getattr(strip, "elements", ())) and strip.elements[0].orig_width:
        size = (int(strip.elements[0].orig_width), int(strip.elements[0].orig_height))
    return {"label": label, "source": source, "frames": frames, "source_frames": total, "size": size,
            "problems": problems, "type": strip.type}


def container_of(scene, strip):
    """The editor or meta strip whose top-level strips include ``strip``."""
    meta = strip.parent_meta() if hasattr(strip, "parent_meta") else None
    return meta if meta is not None else scene.sequence_editor


def free_channel_above(scene, strip, start=None, end=None):
    """The lowest channel above ``strip`` with nothing between ``start`` and ``end`` (default: the strip's range)."""
    start = strip.frame_final_start if start is None else start
    end = strip.frame_final_end if end is None else end
    siblings = list(compat.strips_of(container_of(scene, strip)))
    for channel in range(strip.channel + 1, MAX_CHANNEL + 1):
        if not any(s.channel == channel and s.frame_final_start < end and s.frame_final_end > start for s in siblings):
            return channel
    raise PublishError("InvalidParameter", "strip '{}': no free channel above it (all {} are used)".format(strip.name, MAX_CHANNEL))


def _copy_look(source, layer):
    """Copy what moves pixels in space or time, so the layer lines up with its source."""
    for name in ("use_flip_x", "use_flip_y", "strobe", "use_deinterlace"):
        if hasattr(source, name) and hasattr(layer, name):
            setattr(layer, name, getattr(source, name))
    for group, names in (("transform", ("offset_x", "offset_y", "scale_x", "scale_y", "rotation", "origin", "filter")),
                         ("crop", ("min_x", "max_x", "min_y", "max_y"))):
        src, dst = getattr(source, group, None), getattr(layer, group, None)
        if src is None or dst is None:
            continue
        for name in names:
            if hasattr(src, name):
                setattr(dst, name, getattr(src, name))


def _new_media_strip(container, name, output, channel, frame_start):
    strips = compat.strips_of(container)
    if output.get("first_number") is not None:
        first_file = output["path"] % output["first_number"]
        layer = strips.new_image(name, first_file, channel, int(frame_start))
        for i in range(1, int(output["frames"])):
            layer.elements.append(os.path.basename(output["path"] % (output["first_number"] + i)))
    else:
        layer = strips.new_movie(name, output["path"], channel, int(frame_start))
    return layer


def add_layer(scene, source, output, name, frames, channel=None):
    """Add the strip of ``output`` (``{"path", "frames", "first_number"?}``) aligned with ``source``.

    :param frames: the media frames ``(first, last)`` of ``source`` the output holds.
    :returns: the new strip (not muted, ``ALPHA_OVER``).
    """
    timing = strip_timing(source)
    placement = layer_placement(timing, int(frames[0]), int(frames[1]))
    if channel is None:
        channel = free_channel_above(scene, source)
    layer = _new_media_strip(container_of(scene, source), name, output, channel, placement.frame_start)
    if int(layer.frame_duration) != int(output["frames"]):
        log.warning("%s: Blender reads %d frames from %s, the runtime wrote %d", name, layer.frame_duration, output["path"], output["frames"])
    layer.frame_start = placement.frame_start
    layer.frame_offset_start = placement.offset_start
    layer.frame_offset_end = placement.offset_end
    layer.use_reverse_frames = placement.reversed
    layer.channel = channel
    layer.blend_type = "ALPHA_OVER"
    _copy_look(source, layer)
    if (layer.frame_final_start, layer.frame_final_end) != (source.frame_final_start, source.frame_final_end):
        raise PublishError("InvalidParameter", "{}: could not be aligned with strip '{}' ({}-{} instead of {}-{})".format(
            name, source.name, layer.frame_final_start, layer.frame_final_end, source.frame_final_start, source.frame_final_end))
    return layer


def add_keyed_layer(scene, source, output, frames, premultiplied, mute_source=True):
    """Add a keyed RGBA layer above ``source``; optionally mute the source so the layer shows over what is below."""
    layer = add_layer(scene, source, output, "{} keyed".format(source.name), frames)
    layer.alpha_mode = "PREMUL" if premultiplied else "STRAIGHT"
    if hasattr(source, "colorspace_settings") and hasattr(layer, "colorspace_settings"):
        layer.colorspace_settings.name = source.colorspace_settings.name
    if mute_source:
        source.mute = True
    return layer


def add_matte(context, scene, source, output, frames):
    """Add the matte above ``source`` (muted: it only feeds the mask) and a Mask modifier on ``source`` using it."""
    layer = add_layer(scene, source, output, "{} matte".format(source.name), frames)
    layer.mute = True
    if hasattr(layer, "colorspace_settings"):
        layer.colorspace_settings.name = "Non-Color"  # alpha values, not colours: no view or working-space transform
    compat.ensure_sequencer_scene(context, scene)
    modifier = source.modifiers.get(MASK_MODIFIER)
    if modifier is None:
        modifier = source.modifiers.new(MASK_MODIFIER, type="MASK")
    modifier.input_mask_type = "STRIP"
    modifier.input_mask_strip = layer
    if source.blend_type == "REPLACE":  # transparency only shows what is below with an alpha blend
        source.blend_type = "ALPHA_OVER"
    return layer
