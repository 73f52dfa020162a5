"""Register a host and its pyblish plugins, and undo exactly that.

A host module calls :func:`install` with its name and its own plugin folder (collect and integrate
plugins); the shared, host-agnostic plugins (validate, extract) are always added. :func:`install`
returns an :class:`InstallHandle` recording what it registered and :func:`uninstall` removes
exactly that: no module-level state, so installing twice or into a host that already has other
pyblish users is safe.
"""

import logging
import os

__all__ = ["FAMILY", "InstallHandle", "discover_plugins", "install", "shared_plugin_path", "uninstall"]

log = logging.getLogger(__name__)

FAMILY = "mattebox"
"""The pyblish family of every mattebox instance (one clip to process)."""

# The shared plugins every host relies on: a publish without them would silently do nothing.
REQUIRED_PLUGINS = ("CollectRuntimeCheck", "ValidateClip", "ValidateLimits", "ExtractMatte", "ExtractOutputs")


def shared_plugin_path():
    """The folder of the host-agnostic pyblish plugins."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins")


class InstallHandle(object):
    """What :func:`install` registered: the host name and the plugin paths it added."""

    def __init__(self, host, paths, host_added):
        self.host = host
        self.paths = list(paths)
        self.host_added = host_added

    def __repr__(self):
        return "InstallHandle(host={!r}, paths={!r})".format(self.host, self.paths)


def install(host, plugin_paths=()):
    """Register ``host`` with pyblish, and the shared plugins plus ``plugin_paths``.

    :param host: the host's name (``blender``, ``resolve``, ``nuke``): plugins filter on it.
    :param plugin_paths: the host's own plugin folders (its collect and integrate plugins).
    :returns: an :class:`InstallHandle` for :func:`uninstall`.
    """
    import pyblish.api

    host_added = host not in pyblish.api.registered_hosts()
    if host_added:
        pyblish.api.register_host(host)
    added = []
    registered = set(os.path.normpath(p) for p in pyblish.api.registered_paths())
    for path in [shared_plugin_path()] + [os.path.abspath(p) for p in plugin_paths]:
        if os.path.normpath(path) in registered:
            continue
        pyblish.api.register_plugin_path(path)
        registered.add(os.path.normpath(path))
        added.append(path)
    log.debug("installed pyblish host %r with plugin paths %s", host, added)
    return InstallHandle(host, added, host_added)


def uninstall(handle):
    """Undo :func:`install`: deregister exactly the paths (and host) it registered."""
    import pyblish.api

    for path in handle.paths:
        pyblish.api.deregister_plugin_path(path)
    if handle.host_added:
        pyblish.api.deregister_host(handle.host, quiet=True)
    handle.paths = []
    handle.host_added = False


def discover_plugins(host_paths=None):
    """The plugins of a mattebox publish; raises if a shared plugin failed to load.

    :param host_paths: a host's own plugin folders: then only mattebox's plugins (the shared ones and
        these) are returned, so another pipeline's pyblish plugins in the same session never run in a
        mattebox publish. ``None``: every registered plugin for the registered hosts.

    pyblish logs and skips a plugin file that fails to import; for mattebox that would publish
    nothing without a word, so it is an error here.
    """
    import pyblish.api

    if host_paths is None:
        plugins = pyblish.api.discover()
    else:
        plugins = pyblish.api.discover(paths=[shared_plugin_path()] + list(host_paths))
    names = set(p.__name__ for p in plugins)
    missing = [name for name in REQUIRED_PLUGINS if name not in names]
    if missing:
        from .errors import PublishError

        raise PublishError(
            "Host.PluginMissing",
            "mattebox's pyblish plugins {} did not load (is mattebox.publish installed?)".format(", ".join(missing)),
            hint="reinstall the host integration; the host's log names the plugin file that failed",
        )
    return plugins
