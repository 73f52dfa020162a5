"""Keyed layers and mattes made through the operator's synchronous path, then rendered for pixel checks."""

import os

import bpy

from common import add_movie, all_strips, describe, install_extension, make_scene, render, run_operator, select_only, strips_of


def _renders(scene, source, layer, frames, folder, tag, matte=False):
    """Render each frame twice: as integrated (A), and the source alone (B)."""
    paths = {}
    modifier = source.modifiers.get("mattebox matte") if matte else None
    for frame in frames:
        a = render(scene, frame, os.path.join(folder, "{}_A_{}.png".format(tag, frame)))
        source_mute, layer_mute = source.mute, layer.mute
        if matte:
            modifier.mute = True
        else:
            source.mute, layer.mute = False, True
        b = render(scene, frame, os.path.join(folder, "{}_B_{}.png".format(tag, frame)))
        source.mute, layer.mute = source_mute, layer_mute
        if matte:
            modifier.mute = False
        paths[str(frame)] = {"A": a, "B": b}
    return paths


def _case(name, params, clip, size, fps, frame_start, trims, props, render_frames, channel=2):
    scene = make_scene(name, size[0], size[1], *fps)
    source = add_movie(scene, "source", clip, channel, frame_start, *trims)
    select_only(scene, [source])
    before = describe(source)
    result, report = run_operator(**props)
    case = {"result": result, "report": report, "source_before": before, "strips": all_strips(scene)}
    layers = [s for s in strips_of(scene.sequence_editor) if s.name.startswith("source ")]
    if layers:
        frames = render_frames(source)
        case["renders"] = _renders(scene, source, layers[0], frames, params["out"], name, matte=props.get("output") == "matte")
    return case


def run(params):
    out = {"install": install_extension(params["zip"])}
    bpy.ops.wm.save_as_mainfile(filepath=params["blend"])  # outputs go to //mattebox beside it
    edges = lambda s: [s.frame_final_start, s.frame_final_start + 7, s.frame_final_end - 1, s.frame_final_end]
    out["generated_keyed_mov"] = _case(
        "generated_keyed_mov", params, params["clip2997"], (160, 96), (30000, 1001), 37, (5, 11),
        dict(task="greenscreen", output="keyed", backend="regions", keyed_format="mov"), edges)
    out["generated_matte"] = _case(
        "generated_matte", params, params["clip2997"], (160, 96), (30000, 1001), 37, (5, 11),
        dict(task="body", output="matte", backend="regions"), edges)
    out["walker_keyed_png"] = _case(
        "walker_keyed_png", params, params["walker"], (1280, 720), (30, 1), -20, (100, 200),
        dict(task="greenscreen", output="keyed", backend="regions", keyed_format="png"),
        lambda s: [s.frame_final_start, s.frame_final_start + 21, s.frame_final_end - 1])
    # the real default backend of the task (the green-screen keyer), 20 frames of the real clip
    out["walker_default_keyer"] = _case(
        "walker_default_keyer", params, params["walker"], (1280, 720), (30, 1), 1, (150, 184),
        dict(task="greenscreen", output="keyed", keyed_format="mov"), lambda s: [s.frame_final_start + 10])
    # a phone's portrait clip (coded sideways, shown upright by Blender): the layers must be shown upright too
    for fmt in ("mov", "png"):
        out["phone_keyed_" + fmt] = _case(
            "phone_keyed_" + fmt, params, params["phone"], (406, 720), (30, 1), 1, (0, 0),
            dict(task="greenscreen", output="keyed", keyed_format=fmt), lambda s: [s.frame_final_start + 5])
    bpy.ops.wm.save_mainfile()
    return out
