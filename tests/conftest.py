"""Shared fixtures: an isolated MATTEBOX_HOME per test, the real clips, a registry with the test backend."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))  # media_factory, fixtures
REPO = TESTS.parent


def shared_data_dir() -> Path:
    """The real clips: $MATTEBOX_TESTDATA_DIR, else ../shared/data beside the repo."""
    env = os.environ.get("MATTEBOX_TESTDATA_DIR")
    return Path(env) if env else REPO.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def mattebox_home(tmp_path_factory, monkeypatch) -> Path:
    home = tmp_path_factory.mktemp("mattebox-home")
    monkeypatch.setenv("MATTEBOX_HOME", str(home))
    return home


@pytest.fixture
def shared_clip():
    """Path of a real clip in ../shared/data; fails loudly (never skips) when it is missing."""

    def get(name: str) -> str:
        path = shared_data_dir() / name
        if not path.is_file():
            pytest.fail(f"real test clip missing: {path} (set MATTEBOX_TESTDATA_DIR or put ../shared/data beside the repo)")
        return str(path)

    return get


@pytest.fixture
def index_registry():
    """A registry with only the frame-index test backend (no entry points)."""
    from fixtures.index_backend import IndexPlugin

    from mattebox.plugins import get_plugin_manager, get_registry

    return get_registry(get_plugin_manager(autoload=False, plugins=[IndexPlugin()]))
