"""A real ``mattebox`` runtime executable for host-side tests.

Hosts start the runtime by the path of its executable (``MATTEBOX_RUNTIME``) and strip their own
Python variables from its environment; a runtime that needs extra variables uses a wrapper script.
Tests do exactly that: the wrapper puts the test backends on the runtime's path, points
``MATTEBOX_HOME`` at the test's job store, and execs this venv's ``mattebox``.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"


def write_runtime(folder: str | os.PathLike[str], home: str | os.PathLike[str], *, extra_paths: tuple[str, ...] = (),
                  ignore_sigint: bool = False, name: str = "mattebox") -> str:
    """Write an executable wrapper ``folder/name`` around this venv's mattebox CLI; returns its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [str(p) for p in extra_paths] + [str(FIXTURES / "plugin_dist"), str(FIXTURES)]
    lines = [
        "#!/bin/sh",
        f"export PYTHONPATH='{os.pathsep.join(paths)}'",
        f"export MATTEBOX_HOME='{home}'",
    ]
    if ignore_sigint:
        lines.append("trap '' INT")  # the runtime inherits SIGINT ignored, as from a host started with nohup
    lines.append(f"exec '{sys.executable}' -m mattebox.cli.main \"$@\"")
    path = folder / name
    path.write_text("\n".join(lines) + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(path)
