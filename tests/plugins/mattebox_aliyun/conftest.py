"""Fixtures for the cloud backend's tests: the emulator (a real HTTP server on 127.0.0.1) running real
local backends, the selfie models those need, and clips made for the service's limits."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # aliyun_helpers

from aliyun_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET  # noqa: F401


@pytest.fixture(scope="session")
def selfie_models() -> Path:
    """The real MediaPipe selfie models (installed once per machine into a shared cache)."""
    from mattebox_onnx.install import install_models
    from mattebox_onnx.store import ModelStore

    cache = Path(os.environ.get("MATTEBOX_TEST_CACHE") or Path.home() / ".cache" / "mattebox-tests")
    store = ModelStore(root=cache / "models", extra=[])
    try:
        store.verify("selfie-general")
        store.verify("selfie-landscape")
    except Exception:
        install_models("selfie", store, wheel_cache=cache / "wheels")
    return cache / "models"


@pytest.fixture
def models_env(selfie_models: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test sees the selfie models (the emulator's local backends need them)."""
    monkeypatch.setenv("MATTEBOX_MODEL_PATH", str(selfie_models))
    return selfie_models


@pytest.fixture
def emulator_factory(tmp_path: Path, models_env: Path) -> Iterator:
    """``make(**config)``: a started emulator accepting the test AccessKey; all are stopped afterwards."""
    from mattebox_aliyun.emulator import Account, Emulator, EmulatorConfig, FaultPlan

    started = []

    def make(**kwargs) -> Emulator:
        kwargs.setdefault("accounts", [Account(ACCESS_KEY_ID, ACCESS_KEY_SECRET)])
        kwargs.setdefault("workdir", str(tmp_path / f"emulator{len(started)}"))
        if "faults" not in kwargs:
            kwargs["faults"] = FaultPlan(seed=1234)
        emu = Emulator(EmulatorConfig(**kwargs)).start()
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()


@pytest.fixture
def emulator(emulator_factory):
    """A started emulator with default settings."""
    return emulator_factory()


@pytest.fixture
def small_clip(tmp_path: Path) -> str:
    """A 24-frame 320×240 H.264 MP4 (within every action's limits)."""
    from media_factory import make_clip

    return make_clip(str(tmp_path / "small.mp4"), frames=24, width=320, height=240)
