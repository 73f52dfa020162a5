"""Install mattebox into a Nuke session, and undo exactly that.

:func:`install` is headless-safe (``init.py`` calls it, also in ``nuke -t``): it registers the pyblish
host ``nuke`` with the shared plugins and this package's collect/integrate plugins. :func:`install_menu`
is GUI-only (``menu.py``): Nodes > mattebox > Person / Half body / Key green screen. Each returns a
handle recording what it added; :func:`uninstall` removes exactly that.
"""

import os

import mattebox.publish

from .node import MENU_ENTRIES

__all__ = ["NukeInstall", "install", "install_menu", "publish_plugins", "uninstall", "uninstall_menu"]

PLUGINS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "plugins", "publish")
MENU = "mattebox"


class NukeInstall(object):
    """What :func:`install` and :func:`install_menu` registered."""

    def __init__(self, publish_handle):
        self.publish_handle = publish_handle
        self.menu_items = []

    def __repr__(self):
        return "NukeInstall({!r}, menu={!r})".format(self.publish_handle, self.menu_items)


def install():
    """Register the pyblish host ``nuke`` and mattebox's plugins (no UI: safe in terminal sessions)."""
    return NukeInstall(mattebox.publish.install("nuke", [PLUGINS]))


def install_menu(handle):
    """Add Nodes > mattebox > Person / Half body / Key green screen (GUI sessions only)."""
    import nuke

    menu = nuke.menu("Nodes").addMenu(MENU)
    for label, task in MENU_ENTRIES:
        menu.addCommand(label, "import mattebox_nuke.api\nmattebox_nuke.api.create_node({!r})".format(task))
        handle.menu_items.append(label)
    return handle


def uninstall_menu(handle):
    import nuke

    menu = nuke.menu("Nodes").findItem(MENU)
    if menu is not None:
        for label in handle.menu_items:
            menu.removeItem(label)
        if not menu.items():
            nuke.menu("Nodes").removeItem(MENU)
    handle.menu_items = []


def publish_plugins():
    """mattebox's own plugins (shared and Nuke's) only: another pipeline's pyblish plugins in the same
    session never run in a mattebox publish."""
    from mattebox.publish.pipeline import discover_plugins

    return discover_plugins([PLUGINS])


def uninstall(handle):
    """Undo :func:`install` (and :func:`install_menu` if it ran)."""
    if handle.menu_items:
        uninstall_menu(handle)
    mattebox.publish.uninstall(handle.publish_handle)
