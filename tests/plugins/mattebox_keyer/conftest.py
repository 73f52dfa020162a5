"""Fixtures for the keyer's tests: small synthetic clips with exact alpha (made once per session) and
the helpers to key and score them are in keyer_helpers.py."""

from __future__ import annotations

from typing import Any

import pytest
from mattebox.synthetic import SyntheticClip, make_greenscreen_clip

SIZE = dict(width=640, height=360, frames=12)


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> dict[str, SyntheticClip]:
    """Synthetic clips: medium green, blue, green with a screen-coloured shirt, hard green."""
    root = tmp_path_factory.mktemp("keyer-clips")
    specs: dict[str, dict[str, Any]] = {
        "green": dict(seed=11),
        "blue": dict(seed=12, screen="blue"),
        "greenish_shirt": dict(seed=13, screenish_clothing=0.7, translucency=0.0),
        "hard": dict(seed=14, difficulty="hard"),
    }
    return {name: make_greenscreen_clip(root / f"{name}.mp4", **SIZE, **kw) for name, kw in specs.items()}
