"""Harness of the Blender tests: real Blender 5.0 (bpy 5.0.1) in its own venv, driven as subprocesses that return JSON.

The bpy venv (``.venv-blender``, made by ``installers/dev_env.sh``) must exist: without it these tests
FAIL, they never skip. Each scenario script runs in one Blender process with HOME, XDG_CACHE_HOME and
BLENDER_USER_RESOURCES in a temp folder, installs the extension zip built by
``installers/blender_extension.py``, and finds the runtime through ``MATTEBOX_RUNTIME`` (a wrapper
around this venv's ``mattebox`` with the test backends on its path).
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from runtime_wrapper import write_runtime

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SCENARIOS = HERE / "scenarios"
PLUGIN_DIST = HERE / "plugin_dist"
BLENDER_VENV = REPO / ".venv-blender"


def blender_python() -> tuple[str, str]:
    """(python, site-packages) of the bpy venv; fails the test when it is missing."""
    python = BLENDER_VENV / "bin" / "python"
    sites = glob.glob(str(BLENDER_VENV / "lib" / "python3.11" / "site-packages"))
    if not python.exists() or not sites or not glob.glob(os.path.join(sites[0], "bpy", "__init__.*")):
        pytest.fail(f"the Blender test environment {BLENDER_VENV} is missing or has no bpy: run `bash installers/dev_env.sh`")
    return str(python), sites[0]


def build_extension_zip(out: Path) -> str:
    """Build the extension zip with the real builder, as a user would; returns its path."""
    proc = subprocess.run([sys.executable, str(REPO / "installers" / "blender_extension.py"), "--output", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])["zip"]


def make_blender_env(folder: Path, mattebox_home: Path) -> dict[str, str]:
    """The environment of a Blender process: a private home, and the test runtime as MATTEBOX_RUNTIME."""
    home = folder / "home"
    home.mkdir(parents=True, exist_ok=True)
    runtime = write_runtime(folder / "bin", mattebox_home, extra_paths=(str(PLUGIN_DIST),))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MATTEBOX_"))}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), XDG_CONFIG_HOME=str(home / ".config"),
               BLENDER_USER_RESOURCES=str(home / "blender"), MATTEBOX_RUNTIME=runtime,
               MATTEBOX_CONFIG_DIR=str(home / "mattebox-config"))
    return env


def shared_clip_path(name: str) -> str:
    """A real clip from ../shared/data (or $MATTEBOX_TESTDATA_DIR); fails loudly when missing."""
    data = Path(os.environ["MATTEBOX_TESTDATA_DIR"]) if os.environ.get("MATTEBOX_TESTDATA_DIR") else REPO.parent / "shared" / "data"
    path = data / name
    if not path.is_file():
        pytest.fail(f"real test clip missing: {path} (set MATTEBOX_TESTDATA_DIR or put ../shared/data beside the repo)")
    return str(path)


def run_scenario(name: str, params: dict, env: dict[str, str], tmp_path: Path, timeout: float = 600) -> dict:
    """Run ``scenarios/<name>.py`` in Blender; returns its result dict (fails on a crash or an error inside)."""
    python, site = blender_python()
    params_path = tmp_path / f"{name}.params.json"
    result_path = tmp_path / f"{name}.result.json"
    params_path.write_text(json.dumps(params))
    proc = subprocess.run([python, "-S", str(HERE / "bpy_runner.py"), site, str(SCENARIOS / f"{name}.py"), str(params_path),
                           str(result_path)], env=env, capture_output=True, text=True, timeout=timeout)
    if not result_path.exists():
        pytest.fail(f"Blender scenario {name} crashed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    result = json.loads(result_path.read_text())
    if "runner_error" in result:
        pytest.fail(f"Blender scenario {name} raised:\n{result['runner_error']}\n--- output ---\n{proc.stdout[-3000:]}")
    result["_stdout"] = proc.stdout
    return result
