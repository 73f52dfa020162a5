"""Fixtures for the keyer's tests: small synthetic clips with exact alpha (made once per session) and
a helper that keys a clip's frames through the real decoder and the keyer's processor."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from mattebox.media.probe import probe
from mattebox.media.reader import FrameRange, VideoReader
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


def key_clip(path: str, settings=None, *, frames: int | None = None, batch: int = 1):
    """Key ``path`` with a :class:`KeyerProcessor`: (list of MatteResult, list of Frame, processor)."""
    from mattebox_keyer.processor import KeyerProcessor

    info = probe(path)
    n = info.video.frame_count if frames is None else frames
    proc = KeyerProcessor(settings)
    proc.prepare()
    results, seen, batch_frames = [], [], []
    for frame in VideoReader(info, FrameRange(0, n - 1)):
        seen.append(frame)
        batch_frames.append(frame)
        if len(batch_frames) == batch:
            results += proc.process(batch_frames)
            batch_frames = []
    if batch_frames:
        results += proc.process(batch_frames)
    results += proc.finish()
    proc.close()
    return results, seen, proc


def mad(results, truth: np.ndarray) -> float:
    """Mean absolute matte error ×1e3 (the benchmark's unit)."""
    return float(np.mean([np.abs(r.alpha - t).mean() for r, t in zip(results, truth)]) * 1e3)
