"""Put a finished job's output on the timeline: the step shared by the integrate plugins and recovery."""

import bpy

from mattebox.publish import PublishError

from . import compat, strips

__all__ = ["find_strip", "integrate_output"]


def find_strip(scene_name, strip_name):
    """The strip ``strip_name`` of scene ``scene_name`` (inside metas too); raises if it is gone."""
    scene = bpy.data.scenes.get(scene_name)
    editor = scene.sequence_editor if scene is not None else None
    strip = compat.all_strips(editor).get(strip_name) if editor is not None else None
    if strip is None:
        raise PublishError("InvalidParameter", "strip '{}' of scene '{}' no longer exists; its result was not placed".format(
            strip_name, scene_name), hint="the job's output is still on disk; add it by hand if you need it")
    return scene, strip


def integrate_output(context, host, kind, outputs):
    """Add ``outputs[0]`` next to its source strip as a keyed layer or a matte.

    :param host: the instance's Blender data (``scene``, ``strip``, ``frames``, ``premultiply``, ``mute_source``).
    :returns: a summary dict (strip, layer, channel, kind, final start and end).
    """
    if not outputs:
        raise PublishError("Runtime.Failed", "strip '{}': the job reported no output".format(host.get("strip")))
    scene, source = find_strip(host["scene"], host["strip"])
    output = outputs[0]
    if kind == "keyed":
        layer = strips.add_keyed_layer(scene, source, output, host["frames"], premultiplied=bool(host.get("premultiply")),
                                       mute_source=bool(host.get("mute_source", True)))
    else:
        layer = strips.add_matte(context, scene, source, output, host["frames"])
    return {"strip": source.name, "layer": layer.name, "channel": layer.channel, "kind": kind,
            "frame_final_start": layer.frame_final_start, "frame_final_end": layer.frame_final_end, "path": output["path"]}
