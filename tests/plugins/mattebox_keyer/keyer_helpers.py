"""Helpers for the keyer's tests: key a clip's frames through the real decoder and the keyer's
processor, and score mattes (a module with its own name: test modules import it directly)."""

from __future__ import annotations

import numpy as np
from mattebox.media.probe import probe
from mattebox.media.reader import FrameRange, VideoReader


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
    for result, frame in zip(results, seen):
        if result.foreground_ycbcr is not None:  # the despilled planes keep the source's layout
            y, cb, cr = result.foreground_ycbcr
            layout = frame.source_planes() or frame.ycbcr420()
            assert y.shape == (frame.height, frame.width) and cb.shape == cr.shape == layout[1].shape
        result.foreground_rgb(frame.color)  # the tests look at the foreground as R'G'B'
    return results, seen, proc


def mad(results, truth: np.ndarray) -> float:
    """Mean absolute matte error ×1e3 (the benchmark's unit)."""
    return float(np.mean([np.abs(r.alpha - t).mean() for r, t in zip(results, truth)]) * 1e3)
