"""Register mattebox's pyblish plugins for Resolve, start a publish, and undo the registration.

:func:`install` returns a handle; :func:`uninstall` removes exactly what it registered. A publish
needs the running ``resolve`` object, which travels in the session's settings (nothing is kept in
module state).
"""

import os

import mattebox.publish
from mattebox.publish import PublishSession, RuntimeClient

__all__ = ["OUTPUTS", "TARGETS", "TASKS", "install", "publish_plugins", "start_publish", "uninstall"]

PLUGINS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "plugins", "publish")
TASKS = (("Person", "body"), ("Half body", "halfbody"), ("Key green screen", "greenscreen"))
OUTPUTS = (("Keyed layer on a new track", "keyed"), ("Clip matte for the Color page", "clip_matte"))
TARGETS = (("Clip under the playhead", "playhead"), ("Clips selected in the media pool", "selected"))


def install():
    """Register the pyblish host ``resolve`` with the shared and the Resolve plugins."""
    return mattebox.publish.install("resolve", [PLUGINS])


def publish_plugins():
    """mattebox's own plugins (shared and Resolve's) only: another pipeline's pyblish plugins in the same
    session never run in a mattebox publish."""
    from mattebox.publish.pipeline import discover_plugins

    return discover_plugins([PLUGINS])


def uninstall(handle):
    mattebox.publish.uninstall(handle)


def start_publish(resolve, task, output="keyed", target="playhead", backend=None, options=None, output_dir="",
                  client=None):
    """A :class:`~mattebox.publish.PublishSession` for the chosen clips (drive it with ``step()`` or ``run()``).

    :raises PublishError: ``Runtime.NotFound`` when no runtime is installed.
    """
    settings = {"resolve": resolve, "task": task, "output": output, "target": target, "backend": backend or None,
                "options": dict(options or {}), "output_dir": output_dir}
    return PublishSession(client or RuntimeClient(), "resolve", settings, plugins=publish_plugins())
