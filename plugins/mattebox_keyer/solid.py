"""The solid core: regions thicker than the core size and above the core threshold are clipped to opaque.

Greenish clothing keys partly transparent by colour difference alone; a region that is solid
(an opening by a disc of the core size survives it), together with the pockets narrower than the
core and the holes it encloses that are not screen, is taken as opaque, while thin or soft
structures (hair, blur, translucent fabric) keep their values. The weight of the clip falls off
over a couple of pixels at the core's outline, which the edge refinement then handles.

Works on one box of the matte at a time: a box whose border is a margin of at least twice the
core radius (plus the blurs') away from any pixel above the threshold gives exactly the values a
whole-frame pass would.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["HOLE_LEVEL", "clip_solid", "core_margin"]

HOLE_LEVEL = 0.2  # matte level above which a hole enclosed by solid foreground is foreground, not screen
_KERNEL3 = np.ones((3, 3), np.uint8)


def core_margin(radius: int) -> int:
    """Pixels of margin a box needs around its pixels above the threshold for :func:`clip_solid` to be exact."""
    return 2 * radius + 4


def clip_solid(
    alpha_cd: np.ndarray,
    out: np.ndarray,
    *,
    radius: int,
    threshold: float,
    clip_white: float,
    shrink: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Write the clipped matte of ``alpha_cd`` (a box of the colour-difference matte) into ``out``.

    :param out: float32 array of ``alpha_cd``'s shape (may be a view into the frame's matte).
    :param radius: the core radius in pixels (a disc of this radius must fit in a solid region).
    :param threshold: matte level above which a pixel can be solid.
    :param clip_white: level scaled to 1 inside the core (1: no clipping).
    :param shrink: keep the core one pixel in from the solid outline (frames of 270 chroma rows and more).
    :returns: (core weight float32 0..1, inner core uint8 0/1), both of the box's shape.
    """
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    solid = np.greater(alpha_cd, threshold).view(np.uint8)
    opened = cv2.dilate(cv2.erode(solid, kernel), kernel)
    opened = cv2.erode(cv2.dilate(opened, kernel), kernel)  # close pockets narrower than the core
    # holes inside the solid core that are not screen (a dull patch of a greenish shirt) are solid too
    outside = cv2.copyMakeBorder(1 - opened, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=1)
    cv2.floodFill(outside, None, (0, 0), 2, flags=4)
    opened[(outside[1:-1, 1:-1] == 1) & (alpha_cd > HOLE_LEVEL)] = 1
    out[...] = alpha_cd
    # one pixel in from the solid outline: the outline itself is left to the edge refinement
    inner = cv2.erode(opened, _KERNEL3) if shrink else opened
    bx, by, bw, bh = cv2.boundingRect(inner)
    h, w = alpha_cd.shape
    if bw == 0 or bh == 0:
        return np.zeros((h, w), np.float32), inner
    core = cv2.GaussianBlur(inner * np.uint8(255), (5, 5), 1.0).astype(np.float32)
    core *= 1.0 / 255.0
    y0, y1 = max(0, by - 4), min(h, by + bh + 4)
    x0, x1 = max(0, bx - 4), min(w, bx + bw + 4)
    a, c = out[y0:y1, x0:x1], core[y0:y1, x0:x1]
    clipped = cv2.multiply(a, 1.0 / max(clip_white, 1e-3))
    if clip_white < 1.0:  # deep inside the core anything that is not screen is solid (a logo's edge)
        clipped[(c >= 0.999) & (a > HOLE_LEVEL)] = 1.0
    np.minimum(clipped, 1.0, out=clipped)
    clipped -= a
    clipped *= c
    a += clipped
    return core, inner
