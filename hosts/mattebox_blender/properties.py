"""The add-on's properties: the panel's choices (saved with the scene) and the UI state (window manager only).

Neither holds credentials: the runtime reads those from its own environment or profile.
"""

import bpy
from bpy.props import BoolProperty, EnumProperty, FloatProperty, IntProperty, PointerProperty, StringProperty

TASKS = (
    ("greenscreen", "Key green screen", "Key out a green (or blue) screen", "NODE_COMPOSITING", 0),
    ("body", "Person", "Matte the whole person", "OUTLINER_OB_ARMATURE", 1),
    ("halfbody", "Half body", "Matte the upper body (talking heads, meetings)", "USER", 2),
)
SOURCES = (
    ("SEQUENCER", "Sequencer", "The selected strips of the Video Sequencer"),
    ("COMPOSITOR", "Compositor", "The selected Movie Clip and Image nodes of the compositor"),
)
OUTPUTS = (
    ("keyed", "Keyed layer", "A layer with alpha in the channel above, blended over what lies below", 0),
    ("matte", "Matte", "A matte strip driving a Mask modifier on the source", 1),
)
DEFAULT_ITEM = ("DEFAULT", "Preferences' default", "Use the choice made in the add-on preferences")
OUTPUT_CHOICES = (DEFAULT_ITEM[:3] + (2,),) + OUTPUTS
KEYED_FORMATS = (
    ("mov", "ProRes 4444", "A ProRes 4444 movie with alpha", 0),
    ("png", "PNG sequence", "An RGBA PNG image sequence", 1),
)
KEYED_FORMAT_CHOICES = (DEFAULT_ITEM[:3] + (2,),) + KEYED_FORMATS
STATES = (
    ("IDLE", "Idle", ""),
    ("RUNNING", "Running", ""),
    ("CANCELLING", "Cancelling", ""),
)


def _redraw(self, context):
    for window in getattr(context.window_manager, "windows", ()):
        for area in window.screen.areas:
            if area.type in ("SEQUENCE_EDITOR", "STATUSBAR", "NODE_EDITOR", "PREFERENCES"):
                area.tag_redraw()


class MatteboxSceneSettings(bpy.types.PropertyGroup):
    """What the panel's button does (saved with the .blend)."""

    task: EnumProperty(name="Task", items=TASKS, default="greenscreen")
    output: EnumProperty(name="Output", items=OUTPUT_CHOICES, default="DEFAULT")
    keyed_format: EnumProperty(name="Format", items=KEYED_FORMAT_CHOICES, default="DEFAULT")
    backend: StringProperty(name="Backend", default="", description="Backend name; empty: the preferences' default, else the task's default")
    mute_source: BoolProperty(name="Hide source", default=True,
                              description="Mute the source under a keyed layer, so the layer shows over what lies below")
    options: StringProperty(name="Options", default="", description="Backend options: name=value pairs separated by spaces")


class MatteboxWindowState(bpy.types.PropertyGroup):
    """Progress and results of the running or last publish (not saved)."""

    state: EnumProperty(name="State", items=STATES, default="IDLE", update=_redraw)
    progress: FloatProperty(name="Progress", min=0.0, max=1.0, default=0.0, subtype="FACTOR", update=_redraw)
    status: StringProperty(name="Status", default="")
    last_report: StringProperty(name="Last report", default="", description="JSON of the last publish's report")
    doctor_output: StringProperty(name="Check setup", default="")
    pending: IntProperty(name="Jobs waiting", default=0, description="Jobs started from this file and not yet integrated")


classes = (MatteboxSceneSettings, MatteboxWindowState)


def register_properties():
    bpy.types.Scene.mattebox = PointerProperty(type=MatteboxSceneSettings)
    bpy.types.WindowManager.mattebox = PointerProperty(type=MatteboxWindowState)


def unregister_properties():
    del bpy.types.WindowManager.mattebox
    del bpy.types.Scene.mattebox
