"""The screen's clean plate, measured on a key frame and reused by the frames that follow it.

A screen's lighting changes slowly, while the clean plate (:func:`.screen.screen_plate`) costs a
tenth of a frame's keying. A :class:`ScreenModel` holds the plate of one key frame; each later
frame checks it against its own colour difference before using it:

- the cells the model saw as screen must still mostly look like screen (a cut, a camera move or
  a subject filling the frame fail this),
- the frame's screen may be uniformly brighter or darker (flicker, exposure drift): the plate is
  scaled by the median ratio of the frame's difference to the plate's over the screen cells,
- after that scaling the cells must fit about as well as the key frame's own (a light switched on
  in one corner fails this).

A frame that fails measures its own plate. Key frames are chosen by the frame's position in the
job (every :data:`KEY_INTERVAL`-th frame), so a frame's matte does not depend on how frames were
batched or which thread keyed them.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .screen import screen_plate

__all__ = ["KEY_INTERVAL", "ScreenModel", "build_model", "reuse_model"]

KEY_INTERVAL = 8  # frames between key frames whose plate the frames after them reuse
_KEPT = 0.5  # share of the model's screen cells that must still look like screen
_FIT_FACTOR = 1.5  # a frame may fit the plate this much worse than the key frame itself ...
_FIT_SLACK = 0.01  # ... plus this much (relative difference, 90th percentile)
_STEP = 2  # fit statistics on every second cell of the plate grid (thousands of cells)


@dataclass(frozen=True)
class ScreenModel:
    """A key frame's clean plate on the plate grid."""

    plate: np.ndarray  # float32 (h, w, 3) the screen's linear RGB
    d_plate: np.ndarray  # float32 (h, w) the screen's colour difference
    mask: np.ndarray  # float32 (h, w) 0/1: cells seen as screen
    fit: float  # 90th percentile of the key frame's relative misfit to its own plate (NaN: no screen seen)


def _screen_cells(d_small: np.ndarray, d_plate: np.ndarray, hue_near: np.ndarray | None) -> np.ndarray:
    """Cells whose difference reaches most of the plate's, eroded (the rule the plate itself refines with)."""
    screen = (d_small > 0.85 * d_plate) & (d_small > 1e-3)
    if hue_near is not None:
        screen &= hue_near
    return cv2.erode(screen.view(np.uint8), np.ones((3, 3), np.uint8)).astype(np.float32)


def _misfit(d_small: np.ndarray, d_plate: np.ndarray, mask: np.ndarray) -> tuple[float, float] | None:
    """(scale, 90th percentile of |ratio / scale − 1|) of ``d_small / d_plate`` over the mask's cells."""
    sel = mask[::_STEP, ::_STEP] > 0
    if int(sel.sum()) < 64:
        return None
    ratio = d_small[::_STEP, ::_STEP][sel] / np.maximum(d_plate[::_STEP, ::_STEP][sel], 1e-6)
    scale = float(np.median(ratio))
    if not scale > 0:
        return None
    return scale, float(np.percentile(np.abs(ratio * (1.0 / scale) - 1.0), 90))


def build_model(
    d_small: np.ndarray,
    lin_small: np.ndarray,
    reference: tuple[np.ndarray, float],
    hue_tolerance: float | None,
) -> ScreenModel:
    """Measure the clean plate of a key frame (:func:`.screen.screen_plate`) and how well it fits that frame."""
    plate, d_plate, mask = screen_plate(d_small, lin_small, reference, hue_tolerance=hue_tolerance)
    fit = _misfit(d_small, d_plate, mask)
    return ScreenModel(plate, d_plate, mask, fit[1] if fit is not None else float("nan"))


def reuse_model(
    model: ScreenModel, d_small: np.ndarray, hue_near: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The model's plate fitted to this frame: (plate, d_plate, screen mask), or ``None`` if it does not fit.

    :param d_small: this frame's colour difference on the plate grid.
    :param hue_near: cells near the given screen colour (when the user named it), else ``None``.
    """
    if not np.isfinite(model.fit):
        return None
    mask = _screen_cells(d_small, model.d_plate, hue_near)
    if float(mask.sum()) < _KEPT * float(model.mask.sum()):
        return None
    fit = _misfit(d_small, model.d_plate, mask)
    if fit is None:
        return None
    scale, misfit = fit
    if misfit > _FIT_FACTOR * model.fit + _FIT_SLACK:
        return None
    if abs(scale - 1.0) < 1e-6:
        return model.plate, model.d_plate, mask
    mask = _screen_cells(d_small, model.d_plate * scale, hue_near)
    return model.plate * scale, model.d_plate * scale, mask
