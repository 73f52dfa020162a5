"""Despill: remove the screen colour that bounced onto the foreground.

Methods (``screen`` green, or blue with the roles of G and B swapped), on R'G'B' uint8:
``average`` limits G to (R+B)/2, ``max`` to max(R, B) (gentlest: keeps yellows), ``min`` to
min(R, B) (strongest), ``none`` leaves the colour alone. The luminance removed can be given back
(``restore_luma``) so that despilled edges do not darken.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["DESPILL_METHODS", "despill"]

DESPILL_METHODS = ("average", "max", "min", "none")


def despill(rgb: np.ndarray, method: str = "average", screen: str = "green", *, strength: float = 1.0,
            restore_luma: float = 0.0) -> np.ndarray:
    """Return a despilled copy of ``rgb`` (uint8 H×W×3)."""
    if method not in DESPILL_METHODS:
        raise ValueError(f"unknown despill method {method!r}; choose one of: {', '.join(DESPILL_METHODS)}")
    if method == "none" or strength <= 0:
        return rgb
    key_i = 1 if screen == "green" else 2
    o1, o2 = (0, 2) if screen == "green" else (0, 1)
    r, g, b = cv2.split(rgb)
    planes = [r, g, b]
    c, a, d = planes[key_i], planes[o1], planes[o2]
    if method == "average":
        limit = cv2.addWeighted(a, 0.5, d, 0.5, 0)
    elif method == "max":
        limit = cv2.max(a, d)
    else:
        limit = cv2.min(a, d)
    spill = cv2.subtract(c, limit)  # saturating: 0 where no spill
    if strength < 1.0:
        spill = cv2.convertScaleAbs(spill, alpha=strength)
    planes[key_i] = cv2.subtract(c, spill)
    if restore_luma > 0:
        add = cv2.convertScaleAbs(spill, alpha=restore_luma * 0.5)
        planes[o1] = cv2.add(planes[o1], add)
        planes[o2] = cv2.add(planes[o2], add)
    return cv2.merge(planes)
