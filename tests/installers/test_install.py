"""install.py into temporary homes laid out per platform: what it writes, idempotence, and an uninstall that leaves no trace."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from changes import BEGIN, END, InstallError
from install_helpers import INSTALLERS, platform_environ, snapshot
from install import detect_hosts, run_install, run_uninstall
from layout import Layout

USER_INIT = "# my studio's Nuke setup\r\nimport nuke\r\nnuke.pluginAddPath('/studio/gizmos')\r\n\r\n# end"  # CRLF, no final newline


@pytest.fixture(params=["linux", "darwin", "win32"])
def layout(request, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    return Layout(request.param, platform_environ(request.param, home))


def _install(layout, runtime, hosts=("resolve", "nuke")):
    lines: list[str] = []
    run_install(layout, list(hosts), runtime, report=lines.append)
    return lines


def test_install_writes_every_adapter_and_the_runtime_config(layout, runtime):
    _install(layout, runtime)
    with open(layout.runtime_config) as fh:
        assert json.load(fh) == {"runtime": runtime}
    with open(layout.resolve_entry_script) as fh:
        entry = fh.read()
    assert "HOST_LIB = {}  # written by the mattebox installer".format(json.dumps(layout.host_lib_dir)) in entry
    for package in ("mattebox/__init__.py", "mattebox/publish/session.py", "mattebox_resolve/api/ui.py",
                    "mattebox_nuke/api/run.py", "pyblish/api.py", "mattebox_nuke/plugins/publish/collect_node.py"):
        assert os.path.isfile(os.path.join(layout.host_lib_dir, package)), package
    assert not os.path.exists(os.path.join(layout.host_lib_dir, "mattebox", "cli"))  # host Pythons get no runtime code
    assert sorted(os.listdir(layout.nuke_plugin_dir)) == ["init.py", "menu.py"]
    with open(os.path.join(layout.nuke_home, "init.py")) as fh:
        init = fh.read()
    assert init == "{}\nimport nuke\nnuke.pluginAddPath({})\n{}\n".format(BEGIN, json.dumps(layout.nuke_plugin_dir), END)
    assert os.path.isfile(layout.manifest_path)


def test_second_install_changes_nothing(layout, runtime):
    _install(layout, runtime)
    before = snapshot(layout.home_path())
    lines = _install(layout, runtime)
    assert snapshot(layout.home_path()) == before
    assert all(line.startswith(("unchanged", "mattebox is set up")) for line in lines), lines


def test_uninstall_leaves_no_trace_and_keeps_every_user_line(layout, runtime):
    nuke_home = layout.nuke_home
    os.makedirs(nuke_home)
    with open(os.path.join(nuke_home, "init.py"), "w", newline="") as fh:
        fh.write(USER_INIT)
    os.makedirs(layout.resolve_utility_dir)
    with open(os.path.join(layout.resolve_utility_dir, "Other tool.py"), "w") as fh:
        fh.write("print('mine')\n")
    before = snapshot(layout.home_path())
    _install(layout, runtime)
    with open(os.path.join(nuke_home, "init.py"), newline="") as fh:
        installed = fh.read()
    assert installed.startswith(USER_INIT + "\r\n" + BEGIN + "\r\n") and installed.endswith(END + "\r\n")
    _install(layout, runtime)  # twice: still one block
    with open(os.path.join(nuke_home, "init.py"), newline="") as fh:
        assert fh.read().count(BEGIN) == 1
    lines: list[str] = []
    run_uninstall(layout, report=lines.append)
    after = snapshot(layout.home_path())
    changed = {k for k in set(before) | set(after) if before.get(k, None) != after.get(k, None)}
    # the user's init.py is rewritten byte for byte as it was (only its modification time may differ)
    assert changed <= {os.path.join(os.path.relpath(nuke_home, layout.home_path()), "init.py")}, changed
    with open(os.path.join(nuke_home, "init.py"), newline="") as fh:
        assert fh.read() == USER_INIT
    assert any(line.startswith("removed the mattebox block") for line in lines)


def test_uninstall_removes_folders_it_created(layout, runtime):
    before = snapshot(layout.home_path())
    _install(layout, runtime)
    assert os.path.isdir(layout.nuke_home)
    run_uninstall(layout, report=lambda line: None)
    assert snapshot(layout.home_path()) == before


def test_user_files_are_never_overwritten(layout, runtime):
    os.makedirs(layout.resolve_utility_dir)
    with open(layout.resolve_entry_script, "w") as fh:
        fh.write("# someone else's mattebox.py\n")
    with pytest.raises(InstallError, match="was not installed by mattebox"):
        _install(layout, runtime, hosts=("resolve",))
    with open(layout.resolve_entry_script) as fh:
        assert fh.read() == "# someone else's mattebox.py\n"


def test_a_runtime_that_does_not_run_is_refused(layout, tmp_path):
    fake = tmp_path / "mattebox"
    fake.write_text("#!/bin/sh\necho hello\n")
    fake.chmod(0o755)
    with pytest.raises(InstallError, match="not a mattebox runtime"):
        _install(layout, str(fake))
    with pytest.raises(InstallError, match="not an executable file"):
        _install(layout, str(tmp_path / "nothing"))
    assert not os.path.exists(layout.resolve_entry_script)


def test_hosts_are_detected_from_their_per_user_folders(layout):
    assert detect_hosts(layout, which=lambda name: None) == []
    os.makedirs(layout.nuke_home)
    os.makedirs(layout.resolve_support_dir)
    assert detect_hosts(layout, which=lambda name: None) == ["resolve", "nuke"]
    assert detect_hosts(layout, which=lambda name: "/usr/bin/blender" if name == "blender" else None)[0] == "blender"


def test_command_line_install_and_uninstall(tmp_path, runtime):
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": os.environ["PATH"], **platform_environ("win32", home)}
    command = [sys.executable, str(INSTALLERS / "install.py"), "--platform", "win32", "--hosts", "nuke,resolve", "--runtime", runtime]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "mattebox is set up for: nuke, resolve" in done.stdout
    assert (home / "AppData" / "Roaming" / "Blackmagic Design" / "DaVinci Resolve" / "Support" / "Fusion" / "Scripts" / "Utility"
            / "mattebox.py").is_file()
    bad = subprocess.run(command[:4] + ["--hosts", "houdini", "--runtime", runtime], env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "unknown host(s) houdini; choose from blender, resolve, nuke" in bad.stderr
    gone = subprocess.run(command[:2] + ["--platform", "win32", "--uninstall"], env=env, capture_output=True, text=True, timeout=60)
    assert gone.returncode == 0, gone.stderr
    assert [p.name for p in home.iterdir()] == []


def test_blender_extension_is_installed_once_and_removed(layout, runtime):
    version_dir = os.path.join(layout.blender_config_dir, "4.2")  # what a Blender 4.2 that ran once leaves
    os.makedirs(os.path.join(version_dir, "config"))
    before = snapshot(layout.home_path())
    lines = _install(layout, runtime, hosts=("blender",))
    extension = os.path.join(version_dir, "extensions", "user_default", "mattebox")
    assert os.path.isfile(os.path.join(extension, "blender_manifest.toml"))
    site = os.path.join(version_dir, "extensions", ".local", "lib", "python3.11", "site-packages")
    assert os.path.isfile(os.path.join(site, "mattebox", "publish", "session.py"))
    assert os.path.isfile(os.path.join(site, "pyblish", "api.py"))
    assert not os.path.exists(layout.host_lib_dir)  # Blender's extension carries its own host packages
    installed = snapshot(layout.home_path())
    lines = _install(layout, runtime, hosts=("blender",))
    assert snapshot(layout.home_path()) == installed, lines
    run_uninstall(layout, report=lambda line: None)
    assert snapshot(layout.home_path()) == before
