"""The Blender pyblish host: its name and its plugin folder, registered only while a publish is set up.

Nothing stays registered between publishes (no module state): :func:`blender_plugins` installs the
host, discovers the shared and Blender plugins, and uninstalls again. Other pyblish users inside
Blender are not disturbed.
"""

import os

from mattebox.publish import install, uninstall
from mattebox.publish.pipeline import discover_plugins

__all__ = ["HOST", "PLUGIN_PATH", "blender_plugins", "install_host", "uninstall_host"]

HOST = "blender"
PLUGIN_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "plugins", "publish")


def install_host():
    """Register the ``blender`` host and its plugin folder; returns the handle for :func:`uninstall_host`."""
    return install(HOST, [PLUGIN_PATH])


def uninstall_host(handle):
    uninstall(handle)


def blender_plugins():
    """The pyblish plugins of a Blender publish (shared + Blender's own)."""
    handle = install_host()
    try:
        return discover_plugins()
    finally:
        uninstall_host(handle)
