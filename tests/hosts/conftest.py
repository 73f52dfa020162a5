"""Host-adapter tests: the Resolve/Nuke stand-ins on ``sys.path`` and a fresh Nuke session per test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

STANDINS = Path(__file__).resolve().parent / "standins"
if str(STANDINS) not in sys.path:
    sys.path.insert(0, str(STANDINS))


@pytest.fixture
def nuke_session():
    """A fresh GUI Nuke session; the stand-in's main thread is the test's thread."""
    import nuke
    import nuke_harness

    nuke_harness.reset(gui=True)
    yield nuke
    nuke_harness.reset(gui=True)


@pytest.fixture
def fusion_ui():
    import fusion_standin

    fusion_standin.reset()
    yield fusion_standin
    fusion_standin.reset()
