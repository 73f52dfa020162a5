"""Where a matte is worth working on: one bounding box per separate object, not one for the frame.

A ball crossing the frame far from the actor would stretch a single bounding box over most of the
frame; boxes found per connected blob (on a coarse grid, cheap) keep the full-resolution work to
the pixels that can be non-zero.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["Box", "object_boxes"]

Box = tuple[int, int, int, int]  # y0, y1, x0, x1 (end exclusive)

_CELL = 8  # grid cell, in matte pixels
_MAX_BOXES = 12  # beyond this many blobs, one box around all of them


def object_boxes(mask: np.ndarray, margin: int = 2) -> list[Box]:
    """Boxes (in ``mask``'s pixels) covering every non-zero pixel of ``mask`` (uint8), one per blob.

    :param margin: pixels added around each box (for filters that look at neighbours).
    """
    h, w = mask.shape
    gh, gw = -(-h // _CELL), -(-w // _CELL)
    padded = (
        mask
        if (gh * _CELL, gw * _CELL) == (h, w)
        else cv2.copyMakeBorder(mask, 0, gh * _CELL - h, 0, gw * _CELL - w, cv2.BORDER_CONSTANT, value=0)
    )
    occupied = cv2.resize(padded, (gw, gh), interpolation=cv2.INTER_AREA) > 0
    if not occupied.any():
        return []
    occupied = cv2.dilate(occupied.astype(np.uint8), np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(occupied, connectivity=8)
    blobs = stats[1:count]
    if len(blobs) > _MAX_BOXES:
        x, y, bw, bh = cv2.boundingRect(occupied)
        blobs = np.array([[x, y, bw, bh, 0]])
    boxes = []
    for x, y, bw, bh, _ in blobs:
        y0, y1 = max(0, y * _CELL - margin), min(h, (y + bh) * _CELL + margin)
        x0, x1 = max(0, x * _CELL - margin), min(w, (x + bw) * _CELL + margin)
        boxes.append((int(y0), int(y1), int(x0), int(x1)))
    return boxes
