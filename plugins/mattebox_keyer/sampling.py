"""Bilinear sampling of an image at scattered points, with OpenCV's ``remap``.

``remap`` wants its maps as an image no wider than 32767 pixels, so long point lists are folded
into rows first. Coordinates are in the source image's pixel centres (``(0, 0)`` is the first pixel).
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["sample_bilinear"]

_ROW = 8192


def sample_bilinear(image: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """``image`` (h, w[, c]) sampled at the points ``(xs, ys)`` (float arrays of the same length).

    :returns: (n,) or (n, c) float32 values; points outside repeat the border.
    """
    n = int(xs.size)
    channels = image.shape[2:] if image.ndim == 3 else ()
    if n == 0:
        return np.zeros((0, *channels), np.float32)
    rows = -(-n // _ROW)
    width = min(n, _ROW)
    map_x = np.zeros(rows * width, np.float32)
    map_y = np.zeros(rows * width, np.float32)
    map_x[:n] = xs
    map_y[:n] = ys
    src = np.ascontiguousarray(image, dtype=np.float32) if image.dtype != np.float32 else np.ascontiguousarray(image)
    out = cv2.remap(
        src, map_x.reshape(rows, width), map_y.reshape(rows, width), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return out.reshape(rows * width, *channels)[:n]
