"""Run the real ``mattebox`` CLI in a subprocess, with the fake installed test plugin on its path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"


def cli_env(home: str | os.PathLike[str], *, broken_plugin: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(FIXTURES / "plugin_dist"), str(FIXTURES)]
    if broken_plugin:
        paths.append(str(FIXTURES / "broken_dist"))
    env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")])
    env["MATTEBOX_HOME"] = str(home)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def mattebox_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "mattebox.cli.main", *args]


def run_cli(home, *args: str, broken_plugin: bool = False, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(mattebox_cmd(*args), env=cli_env(home, broken_plugin=broken_plugin), capture_output=True,
                          text=True, timeout=timeout, **kw)
