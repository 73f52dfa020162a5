"""A running Resolve (the stand-in) with a project, a timeline and a real clip, and helpers to read results."""

from __future__ import annotations

import pytest

import resolve_standin as rs
from media_factory import make_clip


@pytest.fixture
def source_clip(tmp_path):
    """A real 60-frame 96x64 H.264 clip at 24 fps (the timeline's rate)."""
    folder = tmp_path / "media"
    folder.mkdir()
    return make_clip(str(folder / "walker.mp4"), frames=60, rate=24, width=96, height=64)


@pytest.fixture
def resolve_app(pyblish_clean):
    import DaVinciResolveScript

    resolve = rs.new_resolve()
    DaVinciResolveScript._register(resolve)
    yield resolve
    DaVinciResolveScript._register(None)
