"""The keyed foreground's colour: despill done on the Y'CbCr planes, which encoders take as they are.

Despill lowers the screen channel to a limit made of the other two (``average``, ``max``, ``min``,
as in :func:`mattebox.matte.despill`). Lowering one R'G'B' channel by ``s`` moves Y', Cb and Cr by
fixed multiples of ``s``, so the spill is measured at chroma resolution (where 4:2:0 colour lives),
the chroma planes are corrected there, and luma gets the upsampled correction: a few cheap plane
operations instead of despilling a full-resolution RGB image.
"""

from __future__ import annotations

import cv2
import numpy as np
from mattebox.media.color import ColorInfo, rgb_to_ycbcr_matrix

from .screen import SCREEN_CHANNEL
from .unmix import Shift

__all__ = ["despilled_planes", "spill_amount"]


def spill_amount(rgb_half: np.ndarray, screen: str, method: str, strength: float) -> np.ndarray | None:
    """How far the screen channel exceeds its limit (uint8 codes at chroma resolution), or ``None``."""
    if method == "none" or strength <= 0:
        return None
    k, o1, o2 = SCREEN_CHANNEL[screen]

    def excess_over(weights: dict[int, float]) -> np.ndarray:  # key − Σ w·other, saturated at 0 (uint8)
        m = np.zeros((1, 3), np.float32)
        m[0, k] = 1.0
        for channel, weight in weights.items():
            m[0, channel] = -weight
        return cv2.transform(rgb_half, m)

    if method == "average":
        spill = excess_over({o1: 0.5, o2: 0.5})
    elif method == "max":  # key − max(a, b) = min(key − a, key − b)
        spill = cv2.min(excess_over({o1: 1.0}), excess_over({o2: 1.0}))
    elif method == "min":
        spill = cv2.max(excess_over({o1: 1.0}), excess_over({o2: 1.0}))
    else:
        raise ValueError(f"unknown despill method {method!r}")
    if strength < 1.0:
        spill = cv2.convertScaleAbs(spill, alpha=strength)
    return spill


def _plane_coefficients(screen: str, restore_luma: float, color: ColorInfo) -> np.ndarray:
    """(ΔY', ΔCb, ΔCr) per code of spill removed: the screen channel −1, the others +restore/2."""
    k, o1, o2 = SCREEN_CHANNEL[screen]
    delta = np.zeros(3, np.float64)
    delta[k] = -1.0
    delta[o1] = delta[o2] = 0.5 * restore_luma
    return rgb_to_ycbcr_matrix(color)[:, :3].astype(np.float64) @ delta


def despilled_planes(
    y: np.ndarray,
    cb: np.ndarray,
    cr: np.ndarray,
    rgb_half: np.ndarray,
    color: ColorInfo,
    *,
    screen: str,
    method: str,
    strength: float = 1.0,
    restore_luma: float = 0.0,
    regions: list[tuple[int, int, int, int]] | None = None,
    depth: int = 8,
    shift: list[Shift] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The despilled foreground as Y', Cb, Cr planes (the given planes' layout, depth, matrix and range),
    or ``None`` for ``method='none'`` and no ``shift`` (the source's colour as it is).

    Encoders of Y'CbCr outputs take the planes as they are (no R'G'B' round trip);
    :meth:`mattebox.backend.MatteResult.foreground_rgb` converts them for the others.

    :param y, cb, cr: the planes to despill: ``depth``-bit codes (uint8 at 8 bits, uint16 above), chroma
        at any subsampling (the source's own, so a 10-bit 4:2:2 file keeps its precision).
    :param rgb_half: the frame as R'G'B' uint8 on the 4:2:0 chroma grid (half the luma's size, rounded
        up): the spill is measured there.
    :param regions: ``(y0, y1, x0, x1)`` boxes on that grid: only these are despilled (the rest, fully
        transparent, keeps the source's colour); ``None`` despills the whole frame.
    :param shift: Y'CbCr code changes (8-bit units) of boxes on that grid, added after despill (the
        edge colour from :func:`.unmix.unmix_edges`, whose R'G'B' is then ``rgb_half``).
    """
    despill = method != "none" and strength > 0
    if not despill and not shift:
        return None
    big_h, big_w = y.shape
    h, w = rgb_half.shape[:2]
    fy, fx = cb.shape[0] // h, cb.shape[1] // w  # chroma rows and columns per grid cell (1 or 2)
    on_grid = big_h == 2 * h and big_w == 2 * w and cb.shape == (fy * h, fx * w) and fy in (1, 2) and fx in (1, 2)
    if not despill:
        out = (y.copy(), cb.copy(), cr.copy())
    elif regions is None or not on_grid:
        spill = spill_amount(rgb_half, screen, method, strength)
        out = _despill(y, cb, cr, spill, screen, restore_luma, color, depth)
        if shift and out[0] is y:
            out = (y.copy(), out[1], out[2])
    else:
        changes = dict(shift or ())
        out = _despill_regions(y, cb, cr, rgb_half, color, [r for r in regions if r not in changes], (fy, fx), screen,
                               method, strength, restore_luma, depth)
        if changes:  # despill and edge colour in one change per box: the luma is resampled once
            coefficients = _plane_coefficients(screen, restore_luma, color).astype(np.float32)
            for box in (r for r in regions if r in changes):
                y0, y1, x0, x1 = box
                spill = spill_amount(rgb_half[y0:y1, x0:x1], screen, method, strength)
                change = changes.pop(box)
                for plane, k in zip(change, coefficients):
                    cv2.scaleAdd(spill.astype(np.float32), float(k), plane, dst=plane)
                _add_change(out, box, change, (h, w), depth)
        shift = list(changes.items())  # boxes despill did not cover (none when the regions are the matte's boxes)
    for box, change in shift or ():
        _add_change(out, box, change, (h, w), depth)
    return out


def _despill_regions(y, cb, cr, rgb_half, color, regions, factors, screen, method, strength, restore_luma, depth):
    """The planes (copies) despilled in ``regions`` only (boxes on the 4:2:0 grid, the frame on that grid)."""
    fy, fx = factors
    out = (y.copy(), cb.copy(), cr.copy())
    for y0, y1, x0, x1 in regions:
        full = (slice(2 * y0, 2 * y1), slice(2 * x0, 2 * x1))
        chroma = (slice(fy * y0, fy * y1), slice(fx * x0, fx * x1))
        spill = spill_amount(rgb_half[y0:y1, x0:x1], screen, method, strength)
        _despill(y[full], cb[chroma], cr[chroma], spill, screen, restore_luma, color, depth,
                 out=(out[0][full], out[1][chroma], out[2][chroma]))
    return out


def _add_change(
    planes: tuple[np.ndarray, np.ndarray, np.ndarray], box: tuple[int, int, int, int], change: np.ndarray,
    grid: tuple[int, int], depth: int,
) -> None:
    """Add ``change`` (8-bit Y'CbCr code units, planar (3, h, w), a box of the 4:2:0 grid ``grid``) to each plane, resampled
    to the plane's own resolution there (in place, saturated to the plane's codes)."""
    y0, y1, x0, x1 = box
    h, w = grid
    top = (1 << depth) - 1
    scale = float(1 << (depth - 8))
    for plane, part in zip(planes, change):
        ry, rx = plane.shape[0] / h, plane.shape[1] / w  # plane pixels per grid pixel (about 1 or 2)
        r0, r1 = round(y0 * ry), min(plane.shape[0], round(y1 * ry))
        c0, c1 = round(x0 * rx), min(plane.shape[1], round(x1 * rx))
        if r1 <= r0 or c1 <= c0:
            continue
        if part.shape != (r1 - r0, c1 - c0):
            part = cv2.resize(part, (c1 - c0, r1 - r0), interpolation=cv2.INTER_LINEAR)
        region = plane[r0:r1, c0:c1]
        if depth == 8:
            cv2.add(region, part, dst=region, dtype=cv2.CV_8U)  # rounded and saturated
        else:
            cv2.addWeighted(region, 1.0, part, scale, 0.0, dst=region, dtype=cv2.CV_16U)
            np.minimum(region, top, out=region)


def _resized(spill: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    if spill.shape == shape[:2]:
        return spill
    return cv2.resize(spill, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)


def _despill(
    y: np.ndarray,
    cb: np.ndarray,
    cr: np.ndarray,
    spill: np.ndarray,
    screen: str,
    restore_luma: float,
    color: ColorInfo,
    depth: int = 8,
    out: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The planes with ``spill`` (8-bit codes, at most the planes' resolution) taken out (into ``out`` when given)."""
    dy, dcb, dcr = _plane_coefficients(screen, restore_luma, color) * (1 << (depth - 8))
    y_out, cb_out, cr_out = out if out is not None else (None, None, None)
    dtype = cv2.CV_8U if depth == 8 else cv2.CV_16U
    spill_c = _resized(spill, cb.shape)
    cb2 = cv2.addWeighted(cb, 1.0, spill_c, float(dcb), 0.0, dst=cb_out, dtype=dtype)
    cr2 = cv2.addWeighted(cr, 1.0, spill_c, float(dcr), 0.0, dst=cr_out, dtype=dtype)
    changed = [cb2, cr2]
    if abs(dy) > 1e-6:
        y2 = cv2.addWeighted(y, 1.0, _resized(spill, y.shape), float(dy), 0.0, dst=y_out, dtype=dtype)
        changed.append(y2)
    elif y_out is not None:
        y2 = y_out  # already a copy of y
    else:
        y2 = y
    if depth != 8:  # 16-bit arithmetic saturates at 65535, not at the top code
        for plane in changed:
            np.minimum(plane, (1 << depth) - 1, out=plane)
    return y2, cb2, cr2
