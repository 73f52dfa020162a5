"""The VSE sidebar panel (category "mattebox") and the progress bar in the status bar."""

import json

import bpy

from .api.publish import selected_node_names, selected_strip_names


class _MatteboxPanel:
    bl_label = "mattebox"
    bl_region_type = "UI"
    bl_category = "mattebox"
    source = "SEQUENCER"

    def _selection(self, context):
        return selected_strip_names(context), "strip"

    def draw(self, context):
        layout = self.layout
        settings = context.scene.mattebox
        ui = context.window_manager.mattebox
        col = layout.column()
        col.prop(settings, "task", expand=True)
        col.prop(settings, "output")
        if settings.output != "matte":
            col.prop(settings, "keyed_format")
            col.prop(settings, "mute_source")
        col.prop(settings, "backend")
        col.prop(settings, "options")
        names, noun = self._selection(context)
        row = layout.row()
        row.scale_y = 1.4
        op = row.operator("mattebox.run", text="{} ({} {}{})".format(
            dict((t[0], t[1]) for t in _task_items())[settings.task], len(names), noun, "" if len(names) == 1 else "s"), icon="PLAY")
        op.source = self.source
        op.task = settings.task
        op.output = settings.output
        op.keyed_format = settings.keyed_format
        op.backend = settings.backend
        op.mute_source = settings.mute_source
        op.options = settings.options
        if ui.state != "IDLE":
            layout.progress(factor=ui.progress, text=ui.status or ui.state.title())
            layout.label(text="Esc cancels", icon="CANCEL")
        elif ui.last_report:
            _draw_report(layout, ui.last_report)
        waiting = ui.pending
        if waiting:
            box = layout.box()
            box.label(text="{} job(s) started from this file earlier".format(waiting), icon="TIME")
            box.operator("mattebox.integrate_finished")


class MATTEBOX_PT_sequencer(_MatteboxPanel, bpy.types.Panel):
    bl_space_type = "SEQUENCE_EDITOR"


class MATTEBOX_PT_compositor(_MatteboxPanel, bpy.types.Panel):
    bl_space_type = "NODE_EDITOR"
    source = "COMPOSITOR"

    @classmethod
    def poll(cls, context):
        space = context.space_data
        return space is not None and getattr(space, "tree_type", "") == "CompositorNodeTree"

    def _selection(self, context):
        return selected_node_names(context), "node"


def _task_items():
    from .properties import TASKS

    return TASKS


def _draw_report(layout, raw):
    try:
        report = json.loads(raw)
    except ValueError:
        return
    box = layout.box()
    if report.get("cancelled"):
        box.label(text="Cancelled", icon="CANCEL")
    for item in report.get("integrated", [])[:8]:
        where = "in channel {}".format(item["channel"]) if "channel" in item else "as node '{}'".format(item["layer"])
        box.label(text="{}: {} {}".format(item.get("strip") or item.get("node"), item["kind"], where), icon="CHECKMARK")
    for error in report.get("errors", [])[:8]:
        box.label(text="{}: {}".format(error.get("code"), error.get("message", "").splitlines()[0]), icon="ERROR")


def draw_statusbar_progress(self, context):
    """Appended to the status bar: a progress bar while a job runs."""
    ui = context.window_manager.mattebox
    if ui.state == "IDLE":
        return
    row = self.layout.row()
    row.progress(factor=ui.progress, text=ui.status or "mattebox", type="BAR")
    row.label(text="Esc: cancel")


classes = (MATTEBOX_PT_sequencer, MATTEBOX_PT_compositor)


def register_statusbar():
    bpy.types.STATUSBAR_HT_header.append(draw_statusbar_progress)


def unregister_statusbar():
    bpy.types.STATUSBAR_HT_header.remove(draw_statusbar_progress)
