"""Helpers for the Blender scenarios (run inside Blender-as-a-module by ``bpy_runner.py``)."""

import json
import os

import bpy

BACKGROUND = (1.0, 0.0, 1.0)  # magenta: what shows where a layer is transparent


def install_extension(zip_path):
    """Start from factory settings and install + enable the extension zip the way a user would."""
    bpy.ops.wm.read_factory_settings(use_empty=True)
    result = bpy.ops.extensions.package_install_files(filepath=zip_path, repo="user_default", enable_on_install=True)
    import mattebox.publish

    return {"result": sorted(result), "addon_enabled": "bl_ext.user_default.mattebox" in bpy.context.preferences.addons,
            "publish_from": mattebox.publish.__file__, "operator": hasattr(bpy.ops.mattebox, "run")}


def strips_of(editor):
    return editor.strips if hasattr(editor, "strips") else editor.sequences


def make_scene(name, width, height, fps_num, fps_den=1, length=2000):
    scene = bpy.data.scenes.new(name)
    window = bpy.context.window_manager.windows[0]
    window.scene = scene
    if hasattr(bpy.context.workspace, "sequencer_scene"):
        bpy.context.workspace.sequencer_scene = scene
    render = scene.render
    render.resolution_x, render.resolution_y, render.resolution_percentage = width, height, 100
    render.fps, render.fps_base = fps_num, float(fps_den)
    render.image_settings.file_format = "PNG"
    render.image_settings.color_mode = "RGB"
    scene.view_settings.view_transform = "Standard"
    scene.frame_start, scene.frame_end = -100, length
    editor = scene.sequence_editor_create()
    background = strips_of(editor).new_effect("background", "COLOR", 1, -100, length=length + 100)
    background.color = BACKGROUND
    return scene


def add_movie(scene, name, path, channel, frame_start, offset_start=0, offset_end=0):
    strip = strips_of(scene.sequence_editor).new_movie(name, path, channel, frame_start)
    strip.frame_offset_start = offset_start
    strip.frame_offset_end = offset_end
    return strip


def select_only(scene, strips):
    for strip in strips_of(scene.sequence_editor):
        strip.select = strip in strips
    scene.sequence_editor.active_strip = strips[0] if strips else None


def last_report():
    raw = bpy.context.window_manager.mattebox.last_report
    return json.loads(raw) if raw else None


def run_operator(**props):
    """Run ``bpy.ops.mattebox.run`` (synchronous in background mode); returns (result, report dict).

    An operator that reports an error raises ``RuntimeError`` in a script (Blender's rule): the result is
    then ``["ERROR: <its message>"]``.
    """
    bpy.context.window_manager.mattebox.last_report = ""
    try:
        result = sorted(bpy.ops.mattebox.run(**props))
    except RuntimeError as exc:
        result = ["ERROR: " + str(exc)]
    return result, last_report()


def describe(strip):
    data = {
        "name": strip.name, "type": strip.type, "channel": strip.channel, "blend_type": strip.blend_type, "mute": strip.mute,
        "frame_start": strip.frame_start, "frame_final_start": strip.frame_final_start, "frame_final_end": strip.frame_final_end,
        "frame_duration": strip.frame_duration, "frame_offset_start": strip.frame_offset_start,
        "frame_offset_end": strip.frame_offset_end, "reversed": bool(getattr(strip, "use_reverse_frames", False)),
        "anim_offset_start": int(getattr(strip, "animation_offset_start", 0)),
        "modifiers": [{"name": m.name, "type": m.type, "mask_strip": getattr(getattr(m, "input_mask_strip", None), "name", None)}
                      for m in getattr(strip, "modifiers", [])],
    }
    if strip.type == "MOVIE":
        data["filepath"] = bpy.path.abspath(strip.filepath)
        data["alpha_mode"] = strip.alpha_mode
    if strip.type == "IMAGE":
        data["files"] = [e.filename for e in strip.elements]
        data["directory"] = bpy.path.abspath(strip.directory)
        data["alpha_mode"] = strip.alpha_mode
    return data


def all_strips(scene):
    return [describe(s) for s in sorted(strips_of(scene.sequence_editor), key=lambda s: (s.channel, s.name))]


def render(scene, frame, path):
    bpy.context.window_manager.windows[0].scene = scene
    scene.frame_set(frame)
    scene.render.filepath = path
    bpy.ops.render.render(write_still=True)
    return path
