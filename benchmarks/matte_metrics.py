"""Matte quality metrics against ground truth, as docs/models.md defines them.

MAD (mean |α−α*|) and MSE are reported ×1e3; dtSSD (temporal coherence: per frame
sqrt(mean(((α_t−α_{t−1}) − (α*_t−α*_{t−1}))²)), averaged over consecutive pairs) ×1e2.
numpy only: the Blender anchor script imports this module inside Blender's own Python.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MatteScores", "score_sequence"]


class MatteScores(dict):
    """``{"mad": …, "mse": …, "dtssd": …, "frames": n}`` in the report's units."""


def score_sequence(pred: np.ndarray, truth: np.ndarray) -> MatteScores:
    """Scores of a predicted matte sequence (N, H, W) in 0..1 against the truth (same shape).

    Frames must be consecutive for dtSSD to mean anything; with one frame dtSSD is 0.
    """
    if pred.shape != truth.shape:
        raise ValueError(f"shape mismatch: {pred.shape} vs {truth.shape}")
    n = pred.shape[0]
    mad = mse = 0.0
    dts: list[float] = []
    prev_p = prev_t = None
    for i in range(n):  # frame by frame: no (N, H, W) float64 temporaries
        p = pred[i].astype(np.float32)
        t = truth[i].astype(np.float32)
        diff = p - t
        mad += float(np.abs(diff).mean())
        mse += float((diff * diff).mean())
        if prev_p is not None:
            dd = (p - prev_p) - (t - prev_t)
            dts.append(float(np.sqrt((dd * dd).mean())))
        prev_p, prev_t = p, t
    return MatteScores(
        mad=mad / n * 1e3, mse=mse / n * 1e3, dtssd=(float(np.mean(dts)) if dts else 0.0) * 1e2, frames=n
    )
