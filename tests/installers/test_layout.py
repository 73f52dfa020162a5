"""Per-platform install paths, computed from the environment."""

from __future__ import annotations

import os

import pytest
from layout import Layout, runtime_config_path

from mattebox.publish.runtime import config_path


def test_linux_layout():
    layout = Layout("linux", {"HOME": "/home/ann"})
    j = os.path.join
    assert layout.install_dir == j("/home/ann", ".local", "share", "mattebox", "install")
    assert layout.runtime_executable == j(layout.install_dir, "runtime", "bin", "mattebox")
    assert layout.runtime_config == j("/home/ann", ".config", "mattebox", "runtime.json")
    assert layout.resolve_utility_dir == j("/home/ann", ".local", "share", "DaVinciResolve", "Fusion", "Scripts", "Utility")
    assert layout.nuke_home == j("/home/ann", ".nuke")
    xdg = Layout("linux", {"HOME": "/home/ann", "XDG_DATA_HOME": "/d", "XDG_CONFIG_HOME": "/c"})
    assert xdg.install_dir == j("/d", "mattebox", "install") and xdg.runtime_config == j("/c", "mattebox", "runtime.json")


def test_macos_layout():
    layout = Layout("darwin", {"HOME": "/Users/ann"})
    support = os.path.join("/Users/ann", "Library", "Application Support")
    assert layout.install_dir == os.path.join(support, "mattebox", "install")
    assert layout.runtime_config == os.path.join(support, "mattebox", "runtime.json")
    assert layout.resolve_utility_dir == os.path.join(support, "Blackmagic Design", "DaVinci Resolve", "Fusion", "Scripts", "Utility")
    assert layout.nuke_home == os.path.join("/Users/ann", ".nuke")


def test_windows_layout():
    env = {"USERPROFILE": "U", "APPDATA": "R", "LOCALAPPDATA": "L"}
    layout = Layout("win32", env)
    assert layout.install_dir == os.path.join("L", "mattebox", "install")
    assert layout.runtime_executable == os.path.join(layout.install_dir, "runtime", "Scripts", "mattebox.exe")
    assert layout.runtime_config == os.path.join("R", "mattebox", "runtime.json")
    assert layout.resolve_utility_dir == os.path.join("R", "Blackmagic Design", "DaVinci Resolve", "Support", "Fusion", "Scripts", "Utility")
    assert layout.nuke_home == os.path.join("U", ".nuke")
    assert Layout("win32", {**env, "HOME": "H"}).nuke_home == os.path.join("H", ".nuke")  # Nuke prefers HOME when set


def test_no_home_is_a_clear_error():
    with pytest.raises(RuntimeError, match="HOME"):
        Layout("linux", {})


@pytest.mark.parametrize("environ", [{"HOME": "/home/ann"}, {"HOME": "/home/ann", "XDG_CONFIG_HOME": "/cfg"},
                                     {"HOME": "/home/ann", "MATTEBOX_CONFIG_DIR": "/etc/mb"}])
def test_config_path_is_the_one_the_host_client_reads(environ, monkeypatch):
    from layout import current_platform

    monkeypatch.setenv("HOME", environ["HOME"])  # mattebox.publish.runtime expands ~ from the process's HOME
    assert runtime_config_path(current_platform(), environ) == config_path(environ)
