"""Find the mattebox runtime: the ``mattebox`` command that runs jobs outside the host application.

Hosts never run jobs in their own process; they start the runtime's CLI. The runtime is looked up in
this order, and the first hit wins:

1. an explicit path (a host's preferences, e.g. Blender's add-on preferences);
2. the ``MATTEBOX_RUNTIME`` environment variable (the path of the ``mattebox`` executable);
3. the config file the installer writes, ``<config dir>/mattebox/runtime.json`` with
   ``{"runtime": "/path/to/mattebox"}`` (``MATTEBOX_CONFIG_DIR`` overrides the folder);
4. ``mattebox`` on ``PATH``.

Standard library only, and importable on Python 3.6 (DaVinci Resolve's oldest supported Python).
"""

import json
import logging
import os
import shutil
import sys

from .errors import PublishError

__all__ = ["Runtime", "config_dir", "config_path", "find_runtime", "write_config"]

log = logging.getLogger(__name__)

ENV_RUNTIME = "MATTEBOX_RUNTIME"
ENV_CONFIG_DIR = "MATTEBOX_CONFIG_DIR"
CONFIG_NAME = "runtime.json"


class Runtime(object):
    """A located runtime.

    :param executable: absolute path of the ``mattebox`` executable.
    :param origin: where it was found (``preferences``, ``MATTEBOX_RUNTIME``, the config file's path, ``PATH``).
    """

    def __init__(self, executable, origin):
        self.executable = executable
        self.origin = origin

    def command(self, *args):
        """The argument list that runs ``mattebox ARGS...``."""
        return [self.executable] + [str(a) for a in args]

    def __repr__(self):
        return "Runtime({!r}, origin={!r})".format(self.executable, self.origin)


def config_dir(environ=None):
    """The per-user folder of mattebox's host-side configuration (not created here)."""
    environ = os.environ if environ is None else environ
    override = environ.get(ENV_CONFIG_DIR)
    home = environ.get("USERPROFILE" if sys.platform == "win32" else "HOME") or os.path.expanduser("~")
    if override:
        return os.path.expanduser(override)
    if sys.platform == "win32":
        base = environ.get("APPDATA") or os.path.join(home, "AppData", "Roaming")
    elif sys.platform == "darwin":
        base = os.path.join(home, "Library", "Application Support")
    else:
        base = environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    return os.path.join(base, "mattebox")


def config_path(environ=None):
    """The runtime config file the installer writes."""
    return os.path.join(config_dir(environ), CONFIG_NAME)


def write_config(executable, environ=None):
    """Record ``executable`` as the runtime for every host (what the installer calls); returns the file's path."""
    path = config_path(environ)
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder)
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        json.dump({"runtime": os.path.abspath(executable)}, fh, indent=1)
    os.replace(tmp, path)
    return path


def _usable(path):
    return bool(path) and os.path.isfile(path) and os.access(path, os.X_OK)


def _not_usable(path, origin):
    return PublishError(
        "Runtime.NotFound",
        "the mattebox runtime set by {} is not an executable file: {}".format(origin, path),
    )


def _from_config(environ):
    path = config_path(environ)
    if not os.path.isfile(path):
        return None
    try:
        with open(path) as fh:
            data = json.load(fh)
    except (OSError, ValueError) as exc:
        raise PublishError("Runtime.NotFound", "cannot read the runtime config {}: {}".format(path, exc))
    executable = data.get("runtime") if isinstance(data, dict) else None
    if not executable:
        raise PublishError("Runtime.NotFound", "the runtime config {} names no runtime".format(path))
    return executable, path


def find_runtime(explicit=None, environ=None):
    """Locate the runtime (see the module's docstring for the order).

    :param explicit: a path chosen by the user (empty or ``None``: not set).
    :param environ: the environment to read (default: ``os.environ``).
    :returns: a :class:`Runtime`.
    :raises PublishError: ``Runtime.NotFound``, naming where it looked, when there is none;
        a path that is set but not executable is reported as such, never silently skipped.
    """
    environ = os.environ if environ is None else environ
    if explicit:
        path = os.path.abspath(os.path.expanduser(explicit))
        if not _usable(path):
            raise _not_usable(path, "the preferences")
        return Runtime(path, "preferences")
    from_env = environ.get(ENV_RUNTIME)
    if from_env:
        path = os.path.abspath(os.path.expanduser(from_env))
        if not _usable(path):
            raise _not_usable(path, ENV_RUNTIME)
        return Runtime(path, ENV_RUNTIME)
    found = _from_config(environ)
    if found is not None:
        path, origin = os.path.abspath(os.path.expanduser(found[0])), found[1]
        if not _usable(path):
            raise _not_usable(path, origin)
        return Runtime(path, origin)
    on_path = shutil.which("mattebox", path=environ.get("PATH", os.defpath))
    if on_path:
        return Runtime(os.path.abspath(on_path), "PATH")
    raise PublishError(
        "Runtime.NotFound",
        "no mattebox runtime: not set in the preferences, no {} variable, no {}, and no `mattebox` on PATH".format(
            ENV_RUNTIME, config_path(environ)),
    )
