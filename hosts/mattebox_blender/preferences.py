"""Add-on preferences: where the runtime is, default backend and output, and a Check setup button.

No credential is ever stored here: cloud backends read theirs from the runtime's environment or
profile (the preferences file is plain text on disk).
"""

import bpy
from bpy.props import EnumProperty, StringProperty

from .properties import KEYED_FORMATS, OUTPUTS

ADDON = __package__


def get(context=None):
    """This add-on's preferences."""
    context = context or bpy.context
    return context.preferences.addons[ADDON].preferences


class MatteboxPreferences(bpy.types.AddonPreferences):
    bl_idname = ADDON

    runtime_path: StringProperty(
        name="Runtime", subtype="FILE_PATH", default="",
        description="The mattebox executable; empty: MATTEBOX_RUNTIME, then the installer's config, then PATH",
    )
    default_backend: StringProperty(name="Default backend", default="",
                                    description="Empty: each task's default backend (`mattebox plugins` lists them)")
    default_output: EnumProperty(name="Default output", items=OUTPUTS, default="keyed")
    keyed_format: EnumProperty(name="Keyed format", items=KEYED_FORMATS, default="mov")
    output_dir: StringProperty(name="Output folder", subtype="DIR_PATH", default="//mattebox",
                               description="Where results are written; // is the .blend's folder")

    def draw(self, context):
        layout = self.layout
        layout.prop(self, "runtime_path")
        layout.prop(self, "default_backend")
        row = layout.row()
        row.prop(self, "default_output")
        row.prop(self, "keyed_format")
        layout.prop(self, "output_dir")
        layout.operator("mattebox.check_setup", icon="CHECKMARK")
        text = context.window_manager.mattebox.doctor_output
        if text:
            box = layout.box()
            for line in text.splitlines()[:40]:
                box.label(text=line)


classes = (MatteboxPreferences,)
