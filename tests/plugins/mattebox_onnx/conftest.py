"""Fixtures for the ONNX backend's tests: the real selfie models installed once per machine into a
shared cache (pip fetch of the mediapipe wheel + conversion), seen from each test's fresh MATTEBOX_HOME
(the root conftest makes one per test), and small ONNX models with RVM's and MODNet's signatures."""

from __future__ import annotations

import os
from pathlib import Path

import sys

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # onnx_signature_models


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """A folder with ``models/`` (the real selfie models) and ``wheels/`` (the cached mediapipe wheel)."""
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
def home(mattebox_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's empty MATTEBOX_HOME, with no shared model folder."""
    monkeypatch.delenv("MATTEBOX_MODEL_PATH", raising=False)
    return mattebox_home


@pytest.fixture
def selfie_home(home: Path, model_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's MATTEBOX_HOME, seeing the cached selfie models through MATTEBOX_MODEL_PATH."""
    monkeypatch.setenv("MATTEBOX_MODEL_PATH", str(model_cache / "models"))
    return home


@pytest.fixture
def clip_frames(shared_clip):
    """``get(name, count, start=0)``: real decoded frames of a shared clip as :class:`mattebox.media.frame.Frame`."""
    import av

    from mattebox.media.color import ColorInfo
    from mattebox.media.frame import Frame

    def get(name: str, count: int, start: int = 0) -> list:
        frames = []
        with av.open(shared_clip(name)) as container:
            stream = container.streams.video[0]
            for i, f in enumerate(container.decode(stream)):
                if i >= start + count:
                    break
                if i >= start:
                    frames.append(Frame(i, float(f.time or 0.0), f, ColorInfo.from_av(f.colorspace, f.color_range, f.height)))
        assert len(frames) == count, f"{name} has fewer than {start + count} frames"
        return frames

    return get
