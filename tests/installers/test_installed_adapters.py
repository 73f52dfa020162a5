"""The installed adapters (not the checkout's) start and run jobs against the host stand-ins, each in a fresh process."""

from __future__ import annotations

import ast
import glob
import json
import os
import shutil
import subprocess
import sys

import pytest
from install_helpers import REPO, STANDINS, platform_environ
from install import run_install
from layout import Layout, current_platform

from fixtures.index_backend import level
from media_factory import make_clip

DRIVERS = os.path.join(os.path.dirname(__file__), "drivers")


@pytest.fixture
def installed(tmp_path, runtime):
    home = tmp_path / "home"
    home.mkdir()
    environ = platform_environ(current_platform(), home)
    layout = Layout(current_platform(), environ)
    run_install(layout, ["resolve", "nuke"], runtime, report=lambda line: None)
    env = {"PATH": os.environ["PATH"], **environ}  # no PYTHONPATH: the host side finds everything by itself
    return layout, env


def _driver(name, env, *args):
    done = subprocess.run([sys.executable, os.path.join(DRIVERS, name), *map(str, args)], env=env, capture_output=True,
                          text=True, timeout=300, cwd=str(REPO.parent))
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _from_host_lib(layout, modules, shared_pyblish=False):
    """The mattebox packages (and pyblish, unless the host may bring its own) come from the installed host library."""
    for name, path in modules.items():
        if name == "pyblish" and shared_pyblish:
            continue
        assert path.startswith(layout.host_lib_dir), (name, path)


def test_installed_resolve_entry_script_runs_a_job(installed, tmp_path):
    layout, env = installed
    clip = make_clip(str(tmp_path / "clip.mp4"), frames=30, rate=24, width=96, height=64)
    out = _driver("installed_resolve.py", env, STANDINS, layout.resolve_entry_script, clip)
    _from_host_lib(layout, out["modules"])
    assert out["status"] == ["mattebox: 1 clip(s) done"]
    assert out["layers"] == [[86400, 12]]


@pytest.mark.parametrize("gui", [True, False], ids=["gui", "terminal"])
def test_installed_nuke_startup_registers_and_runs(installed, tmp_path, gui):
    layout, env = installed
    clip = make_clip(str(tmp_path / "clip.mp4"), frames=40, width=96, height=64)
    out = _driver("installed_nuke.py", env, STANDINS, layout.home, int(gui), clip)
    _from_host_lib(layout, out["modules"], shared_pyblish=True)  # appended to sys.path: a pipeline's own pyblish wins
    assert out["ran"][:2] == [os.path.join(layout.nuke_home, "init.py"), os.path.join(layout.nuke_plugin_dir, "init.py")]
    assert (os.path.join(layout.nuke_plugin_dir, "menu.py") in out["ran"]) == gui
    assert "nuke" in out["hosts"]
    if gui:
        assert out["menu"] == ["Person", "Half body", "Key green screen"]
    assert out["status"].startswith("done: frames 1-40"), out["status"]
    assert abs(out["alpha"] - level(20)) < 1e-4  # Nuke frame 21 shows source frame 20


# --- Python 3.6: what Resolve's oldest supported Python must import ----------------------------------------------

def _py36_problems(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    problems = []
    try:
        tree = ast.parse(source, path, feature_version=(3, 6))
    except SyntaxError as exc:
        return [f"{path}:{exc.lineno}: not Python 3.6 syntax: {exc.msg}"]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "__future__" and any(a.name == "annotations" for a in node.names):
            problems.append(f"{path}:{node.lineno}: from __future__ import annotations (3.7+)")
        if isinstance(node, (ast.Import, ast.ImportFrom)) and "dataclasses" in (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]):
            problems.append(f"{path}:{node.lineno}: dataclasses (3.7+)")
        annotations = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            annotations = [a.annotation for a in node.args.args + node.args.kwonlyargs if a.annotation] + [node.returns]
        elif isinstance(node, ast.AnnAssign):
            annotations = [node.annotation]
        for ann in filter(None, annotations):
            for sub in ast.walk(ann):
                if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.BitOr):
                    problems.append(f"{path}:{sub.lineno}: X | Y annotation")
                if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name) and sub.value.id in ("list", "dict", "tuple", "set", "type"):
                    problems.append(f"{path}:{sub.lineno}: {sub.value.id}[...] annotation")
    return problems


def _python36() -> str | None:
    candidates = [os.environ.get("MATTEBOX_TEST_PYTHON36"), shutil.which("python3.6")]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.6*/bin/python3.6")))
    for candidate in filter(None, candidates):
        ok = subprocess.run([candidate, "-c", "import sys; assert sys.version_info[:2] == (3, 6)"], capture_output=True)
        if ok.returncode == 0:
            return candidate
    return None


def test_resolve_side_of_the_host_library_is_python36(installed):
    layout, env = installed
    lib = layout.host_lib_dir
    files = [layout.resolve_entry_script]
    for package in ("mattebox", "mattebox_resolve"):
        files += glob.glob(os.path.join(lib, package, "**", "*.py"), recursive=True)
    problems = [p for f in files for p in _py36_problems(f)]
    assert not problems, "\n".join(problems)
    python36 = _python36()
    if python36 is None:
        return  # the syntax rules above are checked everywhere; an interpreter run needs a Python 3.6 on this machine
    script = ("import sys; sys.path.insert(0, {lib!r})\n"
              "import mattebox_resolve.api as api\n"
              "from mattebox.publish.pipeline import discover_plugins\n"
              "handle = api.install()\n"
              "print(sorted(p.__name__ for p in discover_plugins() if p.__module__ != 'pyblish.plugin'))\n"
              "import py_compile; py_compile.compile({entry!r}, cfile={cfile!r}, doraise=True)\n").format(
        lib=lib, entry=layout.resolve_entry_script, cfile=os.path.join(env.get("HOME") or env["USERPROFILE"], "entry.pyc"))
    done = subprocess.run([python36, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for plugin in ("CollectTimelineItems", "IntegrateKeyedLayer", "IntegrateClipMatte", "ValidateClip", "ExtractMatte"):
        assert plugin in done.stdout, done.stdout
