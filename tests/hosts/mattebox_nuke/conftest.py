"""A Nuke session (the stand-in) with mattebox installed as init.py and menu.py would, and a test plate."""

from __future__ import annotations

import pytest

from media_factory import make_clip


@pytest.fixture
def nuke_gui(nuke_session, pyblish_clean):
    """A GUI session with mattebox's pyblish registration and Nodes > mattebox menu."""
    import mattebox_nuke.api as api

    handle = api.install_menu(api.install())
    yield nuke_session
    api.uninstall(handle)


@pytest.fixture
def plate(tmp_path):
    """A real 40-frame 96x64 H.264 clip at 25 fps."""
    return make_clip(str(tmp_path / "plate.mp4"), frames=40, width=96, height=64)
