"""Linear light and the colour-difference matte at chroma resolution, worked out only where it matters.

A subject covers a fifth to a third of a green-screen frame; the rest is screen whose matte is 0.
The plate grid (a quarter of chroma resolution) is taken for the whole frame from the cells' mean
codes, which is all the clean plate and the screen's noise need; the boxes around the objects are
then found on that grid (:func:`.regions.grid_boxes`), and only inside them is every pixel brought
to linear light, its colour difference taken and divided by the plate's (:func:`matte_in_boxes`).
The grid cells inside the boxes are then recomputed from the exact linear light
(:func:`exact_grid_cells`): the foreground colours the edge refinement draws from them must not
carry the error of linearising a mean code (a textured cell's mean code is darker in linear light
than the mean of its pixels' linear light).
"""

from __future__ import annotations

from typing import Callable

import cv2
import numpy as np

from .regions import Box, empty_outside
from .screen import screen_difference

__all__ = ["GRID", "chroma_outliers", "exact_grid_cells", "full_cells", "grid_linear", "grid_matches", "matte_at", "matte_in_boxes"]

GRID = 4  # chroma-resolution pixels per plate-grid cell, each way
_CHROMA_MIN = 12  # Cb + Cr code distance from the screen's chroma below which a pixel may be noise ...
_CHROMA_K = 6.0  # ... and above the screen cells' typical largest distance by this many deviations
_CHROMA_MARGIN = 4  # ... plus this (codes)


def grid_matches(shape: tuple[int, int], small: tuple[int, int]) -> bool:
    """Whether the plate grid ``small`` (h, w) tiles a chroma-resolution ``shape`` (h, w) in whole cells."""
    return shape[0] == GRID * small[0] and shape[1] == GRID * small[1]


def grid_linear(codes: np.ndarray, lut: np.ndarray, small: tuple[int, int]) -> np.ndarray:
    """The plate grid in linear light from the cells' mean R'G'B' codes (float32 (h, w, 3))."""
    if grid_matches(codes.shape[:2], small):
        mean = _quarter(codes, small)
    else:
        mean = cv2.resize(codes, small[::-1], interpolation=cv2.INTER_AREA)
    return cv2.LUT(mean, lut)


def _plate_at(
    d_plate: np.ndarray, shape: tuple[int, int], y0: int, x0: int, rows: int, cols: int, step: int = 1
) -> np.ndarray:
    """``d_plate`` (on the plate grid) bilinearly upsampled to ``shape``, at the pixels ``(y0 + i·step,
    x0 + j·step)`` for ``rows`` × ``cols`` only.

    The same mapping as ``cv2.resize(..., INTER_LINEAR)`` of the whole plate (pixel centres aligned,
    border repeated), without computing the rest of the frame.
    """
    hs, ws = d_plate.shape
    sx, sy = ws / shape[1], hs / shape[0]
    m = np.array([[step * sx, 0.0, (x0 + 0.5) * sx - 0.5], [0.0, step * sy, (y0 + 0.5) * sy - 0.5]], np.float64)
    return cv2.warpAffine(
        d_plate, m, (cols, rows), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE
    )


def matte_in_boxes(
    codes: np.ndarray,
    lut: np.ndarray,
    boxes: list[Box],
    d_plate: np.ndarray,
    screen: str,
    balance: float,
    *,
    empty: Callable[[tuple[int, ...], type, list[Box]], np.ndarray] = empty_outside,
) -> tuple[np.ndarray, np.ndarray]:
    """(linear light, colour-difference matte ``1 − d / d_plate``) at chroma resolution inside ``boxes``.

    :param codes: uint8 (h, w, 3) R'G'B' codes at chroma resolution.
    :param lut: 256-entry float32 table code → linear light.
    :param boxes: non-overlapping boxes; the matte is 0 outside them.
    :param d_plate: the clean plate's colour difference on the plate grid (> 0).
    :param empty: makes the matte's array, 0 outside the boxes (:func:`.regions.empty_outside`, or a
        pool's :meth:`~.buffers.ClearedArrays.take`).
    :returns: linear light float32 (h, w, 3), **defined inside the boxes only**, and the matte
        float32 (h, w), 0 outside the boxes.
    """
    h, w = codes.shape[:2]
    lin = np.empty((h, w, 3), np.float32)
    alpha = empty((h, w), np.float32, boxes)
    for box in boxes:
        y0, y1, x0, x1 = box
        part = lin[y0:y1, x0:x1]
        cv2.LUT(codes[y0:y1, x0:x1], lut, dst=part)
        d = screen_difference(part, screen, balance)
        cv2.divide(d, _plate_at(d_plate, (h, w), y0, x0, y1 - y0, x1 - x0), dst=d)
        np.subtract(1.0, d, out=alpha[y0:y1, x0:x1])  # (numpy: OpenCV takes a 4x1 array for a scalar)
    return lin, alpha


def exact_grid_cells(lin_small: np.ndarray, lin: np.ndarray, boxes: list[Box]) -> np.ndarray:
    """``lin_small`` with the cells inside ``boxes`` (aligned to whole cells) averaged from ``lin`` exactly."""
    out = lin_small.copy()
    for y0, y1, x0, x1 in boxes:
        cells = out[y0 // GRID : y1 // GRID, x0 // GRID : x1 // GRID]
        cv2.resize(lin[y0:y1, x0:x1], (cells.shape[1], cells.shape[0]), dst=cells, interpolation=cv2.INTER_AREA)
    return out


def matte_at(
    codes: np.ndarray,
    lut: np.ndarray,
    step: int,
    d_plate: np.ndarray,
    screen: str,
    balance: float,
) -> np.ndarray:
    """The colour-difference matte on a sparse grid: every ``step``-th pixel each way, from ``step // 2``.

    The same values :func:`matte_in_boxes` gives at those pixels (up to the plate's interpolation).
    """
    h, w = codes.shape[:2]
    lin = cv2.LUT(np.ascontiguousarray(codes[step // 2 :: step, step // 2 :: step]), lut)
    d = screen_difference(lin, screen, balance)
    rows, cols = d.shape
    return 1.0 - d / _plate_at(d_plate, (h, w), step // 2, step // 2, rows, cols, step)


def full_cells(mask: np.ndarray, small: tuple[int, int]) -> np.ndarray:
    """The plate-grid cells (``small`` (h, w)) whose pixels of ``mask`` (uint8 0/1) are all 1 (bool).

    Four pixels of a cell's row are read as one 32-bit word and the cell's four rows AND-ed, when
    the grid tiles the mask in whole cells; otherwise by averaging the mask down.
    """
    h, w = small
    if grid_matches(mask.shape, small) and GRID == 4:
        words = np.ascontiguousarray(mask, dtype=np.uint8).view(np.uint32).reshape(h, GRID, w)
        return np.bitwise_and.reduce(words, axis=1) == 0x01010101
    mean = cv2.resize(mask * np.uint8(255), (w, h), interpolation=cv2.INTER_AREA)
    return mean > 252  # 99% (cells straddle pixels when the grid does not tile the mask)


def _quarter(image: np.ndarray, small: tuple[int, int]) -> np.ndarray:
    """``image`` (uint8, 4× ``small``) averaged down to ``small`` (h, w) in two halvings: OpenCV's fast
    path, about 4× quicker than one quartering."""
    h, w = small
    half = cv2.resize(image, (2 * w, 2 * h), interpolation=cv2.INTER_AREA)
    return cv2.resize(half, (w, h), interpolation=cv2.INTER_AREA)


def _median_code(values: np.ndarray) -> int:
    """The median of uint8 ``values`` from their histogram (a few times quicker than sorting)."""
    counts = np.cumsum(np.bincount(values.ravel(), minlength=256))
    return int(np.searchsorted(counts, (counts[-1] + 1) // 2))


def chroma_outliers(cb: np.ndarray, cr: np.ndarray, screen_cells: np.ndarray, small: tuple[int, int]) -> np.ndarray:
    """Plate-grid cells holding chroma-resolution pixels whose colour lies clearly off the screen's (bool).

    A thin strand crossing a cell barely moves the cell's mean, but its own pixels stand out in
    chroma (the screen's chroma barely changes with its lighting): each cell's largest Cb + Cr
    distance from the screen's median chroma finds it. The threshold clears what the screen's own
    cells reach (noise, an uneven or tinted screen), and a cell counts only next to another one
    (a strand runs on; noise is scattered). Needs a grid that tiles the planes in whole cells
    (:func:`grid_matches`).
    """
    h, w = small
    screen = screen_cells > 0
    if int(screen[::2, ::2].sum()) < 64:
        return np.zeros(small, bool)
    cb_small, cr_small = _quarter(cb, small), _quarter(cr, small)
    some = screen[::2, ::2]  # every other cell each way: thousands of screen cells, a quarter of the work
    ref_cb, ref_cr = _median_code(cb_small[::2, ::2][some]), _median_code(cr_small[::2, ::2][some])
    # (arrays, not scalars: OpenCV takes a 4x1 array next to a scalar for a scalar itself)
    dist = cv2.add(cv2.absdiff(cb, np.full_like(cb, ref_cb)), cv2.absdiff(cr, np.full_like(cr, ref_cr)))
    cell_max = cv2.dilate(dist, np.ones((GRID, GRID), np.uint8), anchor=(0, 0), borderType=cv2.BORDER_REPLICATE)
    cell_max = np.ascontiguousarray(cell_max[::GRID, ::GRID][:h, :w])
    # robust to the strands themselves (the screen mask takes faint cells for screen): median + k·MAD
    on_screen = cell_max[::2, ::2][some]
    centre = _median_code(on_screen)
    spread = 1.4826 * _median_code(np.abs(on_screen.astype(np.int16) - centre).astype(np.uint8))
    threshold = max(_CHROMA_MIN, centre + _CHROMA_K * spread + _CHROMA_MARGIN)
    outliers = (cell_max > threshold).view(np.uint8)
    neighbours = cv2.boxFilter(outliers, -1, (3, 3), normalize=False, borderType=cv2.BORDER_CONSTANT)
    return (outliers > 0) & (neighbours >= 2)
