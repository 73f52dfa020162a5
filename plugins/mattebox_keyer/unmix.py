"""Edge colour: the foreground's own colour at soft pixels, with the screen's share taken out.

A soft pixel (hair, motion blur, a translucent sleeve) shows ``I = αF + (1−α)B``: part foreground,
part screen. Its source colour, despilled or not, still holds the screen's share, which becomes a
dark or grey fringe once the layer is put over a new background. Knowing α and the clean plate
``B``, the foreground is ``F = B + (I − B) / α`` in linear light (where light mixes). Where α is
small that division amplifies noise and compression, so ``F`` leans towards the colour of the solid
foreground nearby (the solid colours the edge refinement pushed-pulled over the plate grid), wholly
below ``_TRUST_FROM``.

Works at chroma resolution in the objects' boxes. The result is the unmixed R'G'B' (despill then
measures the spill on it) and, per box, the change of the Y'CbCr codes, which
:func:`.foreground.despilled_planes` adds to the planes at their own resolution.
"""

from __future__ import annotations

import cv2
import numpy as np
from mattebox.media.color import ColorInfo, rgb_to_ycbcr_matrix

from .refine import SolidFill
from .regions import Box
from .sampling import sample_bilinear
from .screen import push_pull

__all__ = ["Shift", "unmix_edges"]

_SOLID = 0.98  # matte level from which a pixel is solid foreground: its colour is its own
_TRUST_FROM = 0.05  # below this matte level the unmixed colour is not trusted at all ...
_TRUST_FULL = 0.3  # ... and from this one wholly (in between, blended with the nearby solid colour)
_FILL_SCALE = 4  # the nearby solid colour is filled in at a quarter of chroma resolution

Shift = tuple[Box, np.ndarray]  # a box at chroma resolution and its Y'CbCr code change, float32 (3, h, w)


def _encoder(linear: bool) -> np.ndarray:
    """4096-entry table: light (0..1, in the keyer's working space) → R'G'B' code."""
    v = np.linspace(0.0, 1.0, 4096)
    if linear:
        v = np.where(v <= 0.0031308, 12.92 * v, 1.055 * np.power(v, 1.0 / 2.4) - 0.055)
    return np.rint(v * 255.0).astype(np.uint8)


_ENCODERS = {True: _encoder(True), False: _encoder(False)}


def _solid_colour(codes: np.ndarray, solid: np.ndarray, lut: np.ndarray) -> np.ndarray | None:
    """The solid pixels' colour (light) filled in over the whole box, at a quarter of its resolution.

    Cells average the solid pixels' codes (then made light): a fallback colour for the faintest
    pixels, where the difference from averaging light does not show.
    """
    if not solid.any():
        return None
    h, w = solid.shape
    size = (max(1, w // _FILL_SCALE), max(1, h // _FILL_SCALE))
    mask = solid.view(np.uint8)
    sums = cv2.resize(cv2.bitwise_and(codes, codes, mask=mask).astype(np.float32), size, interpolation=cv2.INTER_AREA)
    weights = cv2.resize(mask.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    mean = sums / np.maximum(weights, 1e-6)[..., None]
    light = np.interp(mean, np.arange(256), lut).astype(np.float32)
    return push_pull(light, np.minimum(weights * 4.0, 1.0), min_size=1)


def unmix_edges(
    rgb_half: np.ndarray,
    alpha: np.ndarray,
    plate: np.ndarray,
    lut: np.ndarray,
    boxes: list[Box],
    color: ColorInfo,
    *,
    linear: bool = True,
    fill: SolidFill | None = None,
) -> tuple[np.ndarray, list[Shift]]:
    """The foreground colour of the soft pixels of ``alpha``, unmixed from the clean plate.

    :param rgb_half: R'G'B' uint8 (h, w, 3) at chroma resolution.
    :param alpha: the matte there, float32 (h, w) within 0..1 (0 outside ``boxes``).
    :param plate: the clean plate on the plate grid, in the keyer's working light (``lut``'s).
    :param lut: 256-entry table, R'G'B' code → working light (linear or encoded, as ``linear`` says).
    :param boxes: ``(y0, y1, x0, x1)`` boxes holding every pixel above 0.
    :param color: the planes' matrix and range (for the Y'CbCr change).
    :param fill: the solid colour around the edges on the plate grid, from the edge refinement; without
        it, each box's solid pixels are filled in here.
    :returns: ``rgb_half`` with the soft pixels' colour replaced (a copy; ``rgb_half`` itself when
        nothing changed) and the Y'CbCr change of each box that has soft pixels.
    """
    h, w = alpha.shape
    hs, ws = plate.shape[:2]
    to_ycc = rgb_to_ycbcr_matrix(color)[:, :3].astype(np.float32)  # R'G'B' change → Y'CbCr change
    encode = _ENCODERS[bool(linear)]
    out = rgb_half
    shifts: list[Shift] = []
    for y0, y1, x0, x1 in boxes:
        a = alpha[y0:y1, x0:x1]
        soft = cv2.compare(a, 0.0, cv2.CMP_GT)
        soft &= cv2.compare(a, _SOLID, cv2.CMP_LT)
        points = cv2.findNonZero(soft)
        if points is None:
            continue
        points = points.reshape(-1, 2)
        xs, ys = points[:, 0], points[:, 1]
        flat = (ys + y0) * w + (xs + x0)  # flat indices: gathers a few times cheaper than (y, x) pairs
        here = np.take(rgb_half.reshape(-1, 3), flat, axis=0)
        light = lut[here]
        gx, gy = (xs + x0 + 0.5) * (ws / w) - 0.5, (ys + y0 + 0.5) * (hs / h) - 0.5  # on the plate grid
        screen = sample_bilinear(plate, gx, gy)
        level = np.take(alpha, flat)[:, None] if alpha.flags.c_contiguous else a[ys, xs][:, None]
        colour = screen + (light - screen) / level
        np.clip(colour, 0.0, 1.0, out=colour)
        if fill is not None:
            near = sample_bilinear(fill.colours, gx - fill.col0, gy - fill.row0)
        else:
            box_fill = _solid_colour(rgb_half[y0:y1, x0:x1], a >= _SOLID, lut)
            scale = 1.0 / _FILL_SCALE
            near = None if box_fill is None else sample_bilinear(box_fill, (xs + 0.5) * scale - 0.5, (ys + 0.5) * scale - 0.5)
        if near is not None:
            trust = np.clip((level - _TRUST_FROM) / (_TRUST_FULL - _TRUST_FROM), 0.0, 1.0)
            colour = near + trust * (colour - near)
        unmixed = encode[np.rint(colour * 4095.0).astype(np.intp)]
        shift = np.zeros((3, (y1 - y0) * (x1 - x0)), np.float32)  # planar: one plane per Y', Cb, Cr
        shift[:, ys * (x1 - x0) + xs] = to_ycc @ (unmixed.astype(np.float32) - here).T
        shifts.append(((y0, y1, x0, x1), shift.reshape(3, y1 - y0, x1 - x0)))
        if out is rgb_half:
            out = rgb_half.copy()
        out.reshape(-1, 3)[flat] = unmixed
    return out, shifts
