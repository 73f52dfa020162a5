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
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The despilled foreground as Y', Cb, Cr planes (the source's layout, matrix and range), or
    ``None`` for ``method='none'``.

    Encoders of Y'CbCr outputs take the planes as they are (no R'G'B' round trip);
    :meth:`mattebox.backend.MatteResult.foreground_rgb` converts them for the others.

    :param regions: ``(y0, y1, x0, x1)`` boxes at chroma resolution: only these are despilled (the
        rest, fully transparent, keeps the source's colour); ``None`` despills the whole frame.
    """
    if method == "none" or strength <= 0:
        return None
    big_h, big_w = y.shape
    h, w = cb.shape
    if regions is None or big_h != 2 * h or big_w != 2 * w:
        spill = spill_amount(rgb_half, screen, method, strength)
        return _despill(y, cb, cr, spill, screen, restore_luma, color)
    out = (y.copy(), cb.copy(), cr.copy())
    for y0, y1, x0, x1 in regions:
        full = (slice(2 * y0, 2 * y1), slice(2 * x0, 2 * x1))
        half = (slice(y0, y1), slice(x0, x1))
        spill = spill_amount(rgb_half[half], screen, method, strength)
        _despill(y[full], cb[half], cr[half], spill, screen, restore_luma, color, out=(out[0][full], out[1][half], out[2][half]))
    return out


def _despill(
    y: np.ndarray,
    cb: np.ndarray,
    cr: np.ndarray,
    spill: np.ndarray,
    screen: str,
    restore_luma: float,
    color: ColorInfo,
    out: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The planes with ``spill`` (chroma resolution) taken out (into ``out`` when given)."""
    dy, dcb, dcr = _plane_coefficients(screen, restore_luma, color)
    y_out, cb_out, cr_out = out if out is not None else (None, None, None)
    cb2 = cv2.addWeighted(cb, 1.0, spill, float(dcb), 0.0, dst=cb_out)
    cr2 = cv2.addWeighted(cr, 1.0, spill, float(dcr), 0.0, dst=cr_out)
    if abs(dy) > 1e-6:
        size = (y.shape[1], y.shape[0])
        spill_full = spill if spill.shape == y.shape else cv2.resize(spill, size, interpolation=cv2.INTER_LINEAR)
        y2 = cv2.addWeighted(y, 1.0, spill_full, float(dy), 0.0, dst=y_out)
    elif y_out is not None:
        y2 = y_out  # already a copy of y
    else:
        y2 = y
    return y2, cb2, cr2
