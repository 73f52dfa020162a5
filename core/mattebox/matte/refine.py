"""Shape refinements of a matte: choke (shrink/grow), feather (soften), hole filling."""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["choke", "feather", "fill_holes"]


def choke(alpha: np.ndarray, pixels: float) -> np.ndarray:
    """Shrink (``pixels`` > 0) or grow (< 0) the matte by about ``pixels``, keeping soft edges soft."""
    if abs(pixels) < 0.5:
        return alpha
    r = int(round(abs(pixels)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    op = cv2.erode if pixels > 0 else cv2.dilate
    return op(alpha, kernel)


def feather(alpha: np.ndarray, pixels: float) -> np.ndarray:
    """Soften the matte's edges with a Gaussian of about ``pixels`` radius."""
    if pixels <= 0:
        return alpha
    sigma = max(0.3, pixels / 2.0)
    return cv2.GaussianBlur(alpha, (0, 0), sigma)


def fill_holes(alpha: np.ndarray, max_area: int, threshold: float = 0.5) -> np.ndarray:
    """Make opaque the holes inside the foreground smaller than ``max_area`` pixels."""
    if max_area <= 0:
        return alpha
    fg = (alpha >= threshold).astype(np.uint8)
    holes = 1 - fg
    n, labels, stats, _ = cv2.connectedComponentsWithStats(holes, connectivity=4)
    if n <= 1:
        return alpha
    h, w = alpha.shape
    small = np.zeros(n, dtype=bool)
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        touches_border = x == 0 or y == 0 or x + bw == w or y + bh == h
        small[i] = area <= max_area and not touches_border
    if not small.any():
        return alpha
    out = alpha.copy()
    out[small[labels]] = 1.0
    return out
