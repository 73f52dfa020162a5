"""Enable an extension that was unpacked into the user's Blender folder (no Blender binary at install time)."""

import sys

import bpy


def run(params):
    import addon_utils

    bpy.ops.wm.read_factory_settings(use_empty=True)
    bpy.ops.preferences.addon_enable(module="bl_ext.user_default.mattebox")
    import mattebox.publish

    scene = bpy.context.scene
    return {"enabled": "bl_ext.user_default.mattebox" in bpy.context.preferences.addons,
            "operator": hasattr(bpy.ops.mattebox, "run"), "publish_from": mattebox.publish.__file__,
            "user_dir": bpy.utils.resource_path("USER"), "panel": hasattr(bpy.types, "MATTEBOX_PT_sequencer"),
            "scene_settings": scene.mattebox.task}
