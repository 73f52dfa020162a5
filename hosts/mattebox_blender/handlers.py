"""File handlers: when a .blend opens, notice the jobs it started earlier and offer to integrate the finished ones."""

import logging

import bpy
from bpy.app.handlers import persistent

from . import preferences
from .api.publish import waiting_jobs

log = logging.getLogger(__name__)

_NOTICE_DELAY_S = 1.0


def _show_notice():
    wm = bpy.context.window_manager
    count = wm.mattebox.pending
    if not count or not wm.windows:
        return None

    def draw(menu, context):
        menu.layout.label(text="{} mattebox job(s) were started from this file before it was closed.".format(count))
        menu.layout.operator("mattebox.integrate_finished", icon="IMPORT")

    wm.popup_menu(draw, title="mattebox", icon="TIME")
    return None


@persistent
def on_load_post(*_args):
    """Count the jobs this file is waiting for; in the UI, offer to integrate them."""
    wm = bpy.context.window_manager
    try:
        wm.mattebox.pending = len(waiting_jobs(preferences.get().output_dir))
    except (KeyError, OSError, ValueError) as exc:  # never let a file fail to open because of mattebox
        log.warning("mattebox: could not look for jobs of this file: %s", exc)
        wm.mattebox.pending = 0
    wm.mattebox.state = "IDLE"
    wm.mattebox.last_report = ""
    if wm.mattebox.pending and not bpy.app.background:
        bpy.app.timers.register(_show_notice, first_interval=_NOTICE_DELAY_S)


def register_handlers():
    bpy.app.handlers.load_post.append(on_load_post)


def unregister_handlers():
    if on_load_post in bpy.app.handlers.load_post:
        bpy.app.handlers.load_post.remove(on_load_post)
