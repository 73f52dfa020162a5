"""The runtime environment the installer creates: a real venv with this checkout built and installed into it."""

from __future__ import annotations

import json
import os
import site
import subprocess

import pytest
from install import run_install, run_uninstall
from install_helpers import platform_environ
from layout import Layout, current_platform


@pytest.mark.slow
def test_installer_creates_the_runtime_environment_once_and_removes_it(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    layout = Layout(current_platform(), platform_environ(current_platform(), home))
    # The runtime's third-party dependencies come from this test venv (installing onnxruntime & co. from an index
    # takes minutes); mattebox itself is built from the checkout and installed into the new environment.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(site.getsitepackages()))
    lines: list[str] = []
    run_install(layout, ["nuke"], None, pip_args=["--no-deps"], with_model=False, report=lines.append)
    executable = layout.runtime_executable
    assert os.path.isfile(executable) and executable.startswith(layout.install_dir)
    with open(layout.runtime_config) as fh:
        assert json.load(fh) == {"runtime": executable}
    where = subprocess.run([executable[: -len("mattebox")] + "python", "-c", "import mattebox, sys; print(mattebox.__file__)"],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(layout.runtime_env_dir)  # an installed copy, not the checkout
    assert any(line.startswith("installed the runtime") for line in lines)
    lines.clear()
    run_install(layout, ["nuke"], None, pip_args=["--no-deps"], with_model=False, report=lines.append)
    assert f"unchanged {layout.runtime_env_dir}" in lines  # same sources: not rebuilt
    run_uninstall(layout, report=lambda line: None)
    assert not os.path.exists(layout.install_dir) and not os.path.exists(layout.runtime_config)
