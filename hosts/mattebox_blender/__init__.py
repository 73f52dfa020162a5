"""mattebox for Blender: person mattes and green-screen keys for VSE strips, made by the mattebox runtime.

Select movie strips in the Video Sequencer, open the "mattebox" tab of the sidebar, pick a task and
press the button: the job runs in the runtime's own process (progress in the status bar, Esc
cancels) and a keyed layer, or a matte with a Mask modifier, appears aligned with each source.

Layout (AYON's host layout with Flamenco's add-on habits): ``api/`` is the host glue shared by the
operators and the pyblish plugins in ``plugins/publish/`` (collect and integrate; the validate and
extract plugins are the host-agnostic ones of ``mattebox.publish``). ``bpy`` is imported only when
Blender registers the add-on, so the pure helpers (``api.timeline``) import anywhere.
"""


def _modules():
    from . import gui, handlers, operators, preferences, properties

    return properties, preferences, operators, gui, handlers


def register():
    import bpy

    properties, preferences, operators, gui, handlers = _modules()
    for cls in properties.classes + preferences.classes + operators.classes + gui.classes:
        bpy.utils.register_class(cls)
    properties.register_properties()
    gui.register_statusbar()
    handlers.register_handlers()


def unregister():
    import bpy

    properties, preferences, operators, gui, handlers = _modules()
    handlers.unregister_handlers()
    gui.unregister_statusbar()
    properties.unregister_properties()
    for cls in reversed(properties.classes + preferences.classes + operators.classes + gui.classes):
        bpy.utils.unregister_class(cls)
