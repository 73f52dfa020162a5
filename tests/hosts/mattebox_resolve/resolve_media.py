"""Reading results back: per-frame matte levels of keyed and matte movies (to check frame alignment)."""

from __future__ import annotations

import av
import numpy as np


def alpha_levels(path: str) -> list[float]:
    """Mean alpha right of the index backend's transparent band, per frame of a keyed movie."""
    with av.open(path) as container:
        out = []
        for frame in container.decode(video=0):
            rgba = frame.to_ndarray(format="rgba64le").astype(np.float64) / 65535.0
            out.append(float(rgba[:, rgba.shape[1] // 4 :, 3].mean()))
        return out


def luma_levels(path: str) -> list[float]:
    """Mean matte level right of the transparent band, per frame of a matte movie (matte in luma)."""
    with av.open(path) as container:
        out = []
        for frame in container.decode(video=0):
            gray = frame.to_ndarray(format="gray16le").astype(np.float64) / 65535.0
            out.append(float(gray[:, gray.shape[1] // 4 :].mean()))
        return out
