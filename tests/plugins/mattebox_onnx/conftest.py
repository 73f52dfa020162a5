"""Fixtures for the ONNX backend's tests: a fresh MATTEBOX_HOME per test, the real selfie models
installed once per machine into a shared cache, and the shared real clips (which must exist)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def testdata(name: str) -> Path:
    """A real clip from ``../shared/data`` (or ``$MATTEBOX_TESTDATA_DIR``); fails loudly when missing."""
    base = Path(os.environ.get("MATTEBOX_TESTDATA_DIR") or REPO.parent / "shared" / "data")
    path = base / name
    if not path.is_file():
        pytest.fail(f"test clip {path} is missing: put the shared data beside the repo or set MATTEBOX_TESTDATA_DIR")
    return path


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """A models folder holding the real selfie models, installed once per machine (pip fetch + conversion)."""
    from mattebox_onnx.install import install_models
    from mattebox_onnx.store import ModelStore

    cache = Path(os.environ.get("MATTEBOX_TEST_CACHE") or Path.home() / ".cache" / "mattebox-tests")
    store = ModelStore(root=cache / "models", extra=[])
    try:
        store.verify("selfie-general")
        store.verify("selfie-landscape")
    except Exception:
        install_models("selfie", store, wheel_cache=cache / "wheels")
    return cache


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty MATTEBOX_HOME with no shared model folder."""
    path = tmp_path / "home"
    monkeypatch.setenv("MATTEBOX_HOME", str(path))
    monkeypatch.delenv("MATTEBOX_MODEL_PATH", raising=False)
    return path


@pytest.fixture
def selfie_home(home: Path, model_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh MATTEBOX_HOME that sees the cached selfie models through MATTEBOX_MODEL_PATH."""
    monkeypatch.setenv("MATTEBOX_MODEL_PATH", str(model_cache / "models"))
    return home
