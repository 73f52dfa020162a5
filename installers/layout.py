"""Where mattebox installs things, per platform: the one place that knows every path.

Paths are computed from the environment (``HOME``, ``XDG_*``, ``APPDATA``, ``LOCALAPPDATA``,
``USERPROFILE``) and a platform name (``linux``, ``darwin``, ``win32``), so a test can lay out a
Windows or macOS install inside a temporary home on any machine. The folder *structure* is the
named platform's; the separator is the running machine's (on a real Windows machine both agree).

Per-user places used (docs/hosts.md):

- runtime data (the runtime's virtual environment, the host library, the install manifest):
  ``<user data dir>/mattebox/install`` where the user data dir is what ``platformdirs`` answers for
  the runtime (``~/.local/share``, ``~/Library/Application Support``, ``%LOCALAPPDATA%``);
- the runtime config the host adapters read: ``<config dir>/mattebox/runtime.json``
  (:func:`runtime_config_path`, the same rule as :func:`mattebox.publish.runtime.config_path`);
- DaVinci Resolve: ``Fusion/Scripts/Utility`` under Resolve's per-user support folder;
- Nuke: ``~/.nuke`` (``HOME`` when set, as Nuke itself does, else ``USERPROFILE`` on Windows);
- Blender: its per-user configuration folder (only to tell whether Blender is there; the
  extension is installed by ``installers/blender_extension.py``).
"""

from __future__ import annotations

import os
import sys
from typing import Mapping, Optional

__all__ = ["Layout", "current_platform", "runtime_config_path"]

PLATFORMS = ("linux", "darwin", "win32")


def current_platform() -> str:
    """``linux``, ``darwin`` or ``win32`` for the running machine (other POSIX systems count as linux)."""
    if sys.platform.startswith("win"):
        return "win32"
    if sys.platform == "darwin":
        return "darwin"
    return "linux"


def _home(platform: str, environ: Mapping[str, str]) -> str:
    home = environ.get("HOME")
    if not home and platform == "win32":
        home = environ.get("USERPROFILE")
    if not home:
        raise RuntimeError("cannot tell the user's home folder: set HOME" + (" or USERPROFILE" if platform == "win32" else ""))
    return home


def runtime_config_path(platform: str, environ: Mapping[str, str]) -> str:
    """The runtime config file the host adapters read (``MATTEBOX_CONFIG_DIR`` overrides the folder).

    This is the installer's single switch for that path; it follows
    :func:`mattebox.publish.runtime.config_dir` (tests check that both agree on this machine).
    """
    override = environ.get("MATTEBOX_CONFIG_DIR")
    if override:
        return os.path.join(os.path.expanduser(override), "runtime.json")
    home = _home(platform, environ)
    if platform == "win32":
        base = environ.get("APPDATA") or os.path.join(home, "AppData", "Roaming")
    elif platform == "darwin":
        base = os.path.join(home, "Library", "Application Support")
    else:
        base = environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    return os.path.join(base, "mattebox", "runtime.json")


class Layout:
    """Every per-user path for one platform and environment.

    :param platform: ``linux``, ``darwin`` or ``win32`` (default: this machine's).
    :param environ: the environment to read (default: ``os.environ``).
    """

    def __init__(self, platform: Optional[str] = None, environ: Optional[Mapping[str, str]] = None) -> None:
        self.platform = platform or current_platform()
        if self.platform not in PLATFORMS:
            raise ValueError(f"unknown platform {self.platform!r}; one of {', '.join(PLATFORMS)}")
        self.environ = dict(os.environ if environ is None else environ)
        self.home = _home(self.platform, self.environ)

    # -- mattebox's own folders
    @property
    def user_data_dir(self) -> str:
        """The per-user data folder (what platformdirs' ``user_data_dir`` answers)."""
        if self.platform == "win32":
            return self.environ.get("LOCALAPPDATA") or os.path.join(self.home, "AppData", "Local")
        if self.platform == "darwin":
            return os.path.join(self.home, "Library", "Application Support")
        return self.environ.get("XDG_DATA_HOME") or os.path.join(self.home, ".local", "share")

    @property
    def install_dir(self) -> str:
        """Everything the installer owns: the runtime environment, the host library, the manifest."""
        return os.path.join(self.user_data_dir, "mattebox", "install")

    @property
    def runtime_env_dir(self) -> str:
        return os.path.join(self.install_dir, "runtime")

    @property
    def runtime_executable(self) -> str:
        """The ``mattebox`` command inside the runtime environment the installer creates."""
        if self.platform == "win32":
            return os.path.join(self.runtime_env_dir, "Scripts", "mattebox.exe")
        return os.path.join(self.runtime_env_dir, "bin", "mattebox")

    @property
    def host_lib_dir(self) -> str:
        """Pure-Python packages for host Pythons: ``mattebox`` (its ``publish`` part), the host adapters, pyblish."""
        return os.path.join(self.install_dir, "hosts")

    @property
    def nuke_plugin_dir(self) -> str:
        """The folder ``~/.nuke/init.py`` adds to Nuke's plugin path (holds mattebox's init.py and menu.py)."""
        return os.path.join(self.install_dir, "nuke")

    @property
    def manifest_path(self) -> str:
        return os.path.join(self.install_dir, "manifest.json")

    @property
    def runtime_config(self) -> str:
        return runtime_config_path(self.platform, self.environ)

    # -- the hosts' per-user places
    @property
    def resolve_support_dir(self) -> str:
        """Resolve's per-user support folder (it exists once Resolve ran for this user)."""
        if self.platform == "win32":
            appdata = self.environ.get("APPDATA") or os.path.join(self.home, "AppData", "Roaming")
            return os.path.join(appdata, "Blackmagic Design", "DaVinci Resolve", "Support")
        if self.platform == "darwin":
            return os.path.join(self.home, "Library", "Application Support", "Blackmagic Design", "DaVinci Resolve")
        return os.path.join(self.home, ".local", "share", "DaVinciResolve")

    @property
    def resolve_utility_dir(self) -> str:
        """``Fusion/Scripts/Utility``: scripts here show in Workspace > Scripts on every page."""
        return os.path.join(self.resolve_support_dir, "Fusion", "Scripts", "Utility")

    @property
    def resolve_entry_script(self) -> str:
        return os.path.join(self.resolve_utility_dir, "mattebox.py")

    @property
    def nuke_home(self) -> str:
        """``~/.nuke``."""
        return os.path.join(self.home, ".nuke")

    @property
    def blender_config_dir(self) -> str:
        """Blender's per-user folder (its versions' configs live below it)."""
        if self.platform == "win32":
            appdata = self.environ.get("APPDATA") or os.path.join(self.home, "AppData", "Roaming")
            return os.path.join(appdata, "Blender Foundation", "Blender")
        if self.platform == "darwin":
            return os.path.join(self.home, "Library", "Application Support", "Blender")
        return os.path.join(self.environ.get("XDG_CONFIG_HOME") or os.path.join(self.home, ".config"), "blender")

    def home_path(self) -> str:
        """The user's home folder (everything per-user lives below it unless the environment moves it)."""
        return self.home

    def describe(self) -> str:
        return "\n".join(f"  {name}: {getattr(self, name)}" for name in (
            "install_dir", "runtime_config", "resolve_utility_dir", "nuke_home", "blender_config_dir"))
