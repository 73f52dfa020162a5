"""The colour of soft edges: the screen's share taken out (unmixed with the clean plate), so a keyed
layer over a new background shows the foreground's colour at its hair and blur, not a green or grey
fringe."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from keyer_helpers import key_clip
from mattebox.matte.composite import composite_over
from mattebox.media.color import ColorInfo
from mattebox.synthetic import make_greenscreen_clip
from mattebox_keyer.keyer import srgb_to_linear_lut
from mattebox_keyer.settings import KeyerSettings
from mattebox_keyer.unmix import unmix_edges

LUT = srgb_to_linear_lut()


def _encode(light: np.ndarray) -> np.ndarray:
    v = np.clip(light, 0.0, 1.0)
    return np.rint(255.0 * np.where(v <= 0.0031308, 12.92 * v, 1.055 * v ** (1 / 2.4) - 0.055)).astype(np.uint8)


def test_unmixing_recovers_the_foreground_colour_of_mixed_pixels():
    """Pixels mixed in linear light from a known colour and screen: their colour comes back."""
    h, w = 40, 64
    fg = np.array([0.6, 0.25, 0.1], np.float32)  # an orange subject
    screen = np.array([0.05, 0.45, 0.08], np.float32)
    alpha = np.zeros((h, w), np.float32)
    alpha[:, 20:44] = 1.0
    ramp = np.linspace(0.02, 0.97, 12, dtype=np.float32)
    alpha[:, 8:20] = ramp  # a soft edge on each side
    alpha[:, 44:56] = ramp[::-1]
    light = alpha[..., None] * fg + (1 - alpha[..., None]) * screen
    rgb = _encode(light)
    plate = np.broadcast_to(screen, (5, 8, 3)).astype(np.float32)
    boxes = [(0, h, 4, 60)]
    out, shifts = unmix_edges(rgb, alpha, plate, LUT, boxes, ColorInfo())
    assert out is not rgb and len(shifts) == 1 and shifts[0][0] == boxes[0]
    want = _encode(fg[None, None])[0, 0].astype(int)
    trusted = (alpha >= 0.3) & (alpha < 0.98)
    assert np.abs(out[trusted].astype(int) - want).max() <= 3  # 8-bit codes of mixed pixels divide well
    faint = (alpha > 0) & (alpha < 0.05)
    assert np.abs(out[faint].astype(int) - want).max() <= 3  # too faint to divide: the solid colour nearby
    source = np.abs(rgb[trusted].astype(int) - want).mean()
    assert source > 10  # (the source colour: measured 16.6 codes off on average)
    assert np.array_equal(out[alpha >= 0.98], rgb[alpha >= 0.98]) and np.array_equal(out[alpha == 0], rgb[alpha == 0])
    # the Y'CbCr change is the R'G'B' change through the matrix, zero where nothing changed
    change = shifts[0][1]
    assert change.shape == (3, h, 56)
    assert not change[:, :, 16:40][:, alpha[:, 20:44] >= 0.98].any()  # (the box starts at column 4)
    assert np.abs(change[1:, :, 4:16]).max() > 10  # chroma moved away from the screen's


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    root = tmp_path_factory.mktemp("edge-colour")
    return make_greenscreen_clip(root / "c.mp4", width=640, height=360, frames=4, seed=11, foreground=True)


def _composite_error(clip, settings):
    """Mean |ours − truth| (8-bit codes) of the layer over grey, in the soft band and deep in the solid."""
    results, frames, _ = key_clip(clip.path, settings)
    grey = np.full((clip.height, clip.width, 3), 128, np.uint8)
    soft_err, solid = [], []
    for r, f, a, truth in zip(results, frames, clip.iter_alpha(), clip.iter_foreground()):
        fg = r.foreground_rgb(f.color)
        d = np.abs(composite_over(fg, r.alpha, grey).astype(float) - composite_over(truth, a, grey)).mean(-1)
        soft = ((a > 0.02) & (a < 0.98)) | ((r.alpha > 0.02) & (r.alpha < 0.98))
        soft_err.append(d[soft].mean())
        solid.append(fg)
    return float(np.mean(soft_err)), solid, results


def test_unmixed_edges_halve_the_fringe_over_a_new_background(clip):
    unmixed, fg_unmixed, results = _composite_error(clip, KeyerSettings())
    source, fg_source, _ = _composite_error(clip, KeyerSettings(edge_colour="source"))
    assert unmixed < 0.6 * source, (unmixed, source)  # measured 0.35× at 960×540
    for a, b, r in zip(fg_unmixed, fg_source, results):  # deep inside the subject nothing moves
        inside = cv2.erode((r.alpha >= 0.999).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
        diff = np.abs(a[inside].astype(int) - b[inside])
        assert inside.sum() > 1000 and diff.max() <= 3 and diff.mean() < 0.3  # (despill rounded once, not twice)
