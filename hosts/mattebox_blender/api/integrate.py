"""Put a finished job's output back (a VSE layer or compositor nodes): shared by the integrate plugins and recovery."""

import bpy

from mattebox.publish import PublishError

from . import compat, nodes, strips

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

    :param host: the instance's Blender data (``scene``, ``strip`` or ``node``, ``frames``, ``premultiply``, ...).
    :returns: a summary dict (strip, layer, channel, kind, final start and end).
    """
    if not outputs:
        raise PublishError("Runtime.Failed", "{}: the job reported no output".format(host.get("strip") or host.get("node")))
    output = outputs[0]
    if host.get("node"):
        return _integrate_node(host, kind, output)
    scene, source = find_strip(host["scene"], host["strip"])
    if kind == "keyed":
        layer = strips.add_keyed_layer(scene, source, output, host["frames"], premultiplied=bool(host.get("premultiply")),
                                       mute_source=bool(host.get("mute_source", True)))
    else:
        layer = strips.add_matte(context, scene, source, output, host["frames"])
    return {"strip": source.name, "layer": layer.name, "channel": layer.channel, "kind": kind,
            "frame_final_start": layer.frame_final_start, "frame_final_end": layer.frame_final_end, "path": output["path"]}


def _integrate_node(host, kind, output):
    if kind == "keyed":
        node = nodes.add_keyed_node(host, output)
        extra = {}
    else:
        node, set_alpha = nodes.add_matte_node(host, output)
        extra = {"set_alpha": set_alpha.name}
    return dict({"node": host["node"], "layer": node.name, "kind": kind, "frame_start": node.frame_start,
                 "frame_duration": node.frame_duration, "path": output["path"]}, **extra)
