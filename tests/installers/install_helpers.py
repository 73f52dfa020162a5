"""Installer test helpers: paths of the checkout, per-platform environments of a temporary home, disk snapshots."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INSTALLERS = REPO / "installers"
STANDINS = REPO / "tests" / "hosts" / "standins"
if str(INSTALLERS) not in sys.path:
    sys.path.insert(0, str(INSTALLERS))


def platform_environ(platform: str, home: Path) -> dict[str, str]:
    """What the environment of a user with home ``home`` holds on ``platform`` (only the variables the installer reads)."""
    if platform == "win32":
        return {"USERPROFILE": str(home), "APPDATA": str(home / "AppData" / "Roaming"),
                "LOCALAPPDATA": str(home / "AppData" / "Local")}
    return {"HOME": str(home)}


def snapshot(root: Path) -> dict[str, tuple]:
    """Every file (content hash, modification time) and folder under ``root``."""
    out: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        out[rel + "/"] = ()
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as fh:
                out[os.path.join(rel, name)] = (hashlib.sha256(fh.read()).hexdigest(), os.stat(path).st_mtime_ns)
    return out
