"""Keying at chroma resolution box by box gives what keying the whole frame gives, inside the boxes."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from mattebox_keyer.halfres import exact_grid_cells, grid_linear, matte_at, matte_in_boxes
from mattebox_keyer.keyer import srgb_to_linear_lut
from mattebox_keyer.regions import grid_boxes
from mattebox_keyer.screen import screen_difference

LUT = srgb_to_linear_lut()


def _scene(h: int = 120, w: int = 160, seed: int = 3):
    rng = np.random.default_rng(seed)
    codes = np.empty((h, w, 3), np.uint8)
    codes[...] = (40, 170, 60)  # a green screen
    codes[30:90, 50:110] = (180, 120, 90)  # a subject
    codes = np.clip(codes + rng.normal(0, 3, codes.shape), 0, 255).astype(np.uint8)
    yy, xx = np.mgrid[0 : h // 4, 0 : w // 4]
    d_plate = (0.3 + 0.05 * xx / (w // 4) + 0.02 * yy / (h // 4)).astype(np.float32)  # uneven light
    return codes, d_plate


def _whole_frame(codes, d_plate, screen="green", balance=0.5):
    lin = cv2.LUT(codes, LUT)
    d = screen_difference(lin, screen, balance)
    d_screen = cv2.resize(d_plate, (codes.shape[1], codes.shape[0]), interpolation=cv2.INTER_LINEAR)
    return lin, 1.0 - d / d_screen


@pytest.mark.parametrize("boxes", [[(0, 120, 0, 160)], [(20, 100, 40, 120)], [(0, 40, 0, 48), (60, 120, 100, 160)]])
def test_matte_in_boxes_matches_the_whole_frame_inside_and_is_0_outside(boxes):
    codes, d_plate = _scene()
    lin_ref, alpha_ref = _whole_frame(codes, d_plate)
    lin, alpha = matte_in_boxes(codes, LUT, boxes, d_plate, "green", 0.5)
    inside = np.zeros(alpha.shape, bool)
    for y0, y1, x0, x1 in boxes:
        inside[y0:y1, x0:x1] = True
        np.testing.assert_array_equal(lin[y0:y1, x0:x1], lin_ref[y0:y1, x0:x1])
    # the plate is interpolated with 1/32-pixel weights there, exactly elsewhere: a few 1e-3 at most
    np.testing.assert_allclose(alpha[inside], alpha_ref[inside], atol=3e-3)
    assert not alpha[~inside].any()


def test_matte_on_the_sample_grid_matches_the_whole_frame():
    codes, d_plate = _scene()
    _, alpha_ref = _whole_frame(codes, d_plate, "green", 1.0)
    step = 6
    alpha = matte_at(codes, LUT, step, d_plate, "green", 1.0)
    np.testing.assert_allclose(alpha, alpha_ref[step // 2 :: step, step // 2 :: step], atol=3e-3)


def test_grid_cells_in_boxes_are_the_exact_means_of_linear_light():
    codes, _ = _scene()
    lin = cv2.LUT(codes, LUT)
    exact = cv2.resize(lin, (40, 30), interpolation=cv2.INTER_AREA)
    approx = grid_linear(codes, LUT, (30, 40))  # linear light of the mean codes: close on flat areas
    assert np.abs(approx - exact)[:5, :5].max() < 0.01
    boxes = [(28, 92, 48, 112)]
    cells = exact_grid_cells(approx, lin, boxes)
    np.testing.assert_allclose(cells[7:23, 12:28], exact[7:23, 12:28], atol=1e-6)
    np.testing.assert_array_equal(cells[:7], approx[:7])  # outside the boxes: as given
    # a textured cell's mean code is darker in linear light than its pixels' mean: why the boxes are exact
    textured = np.zeros((8, 8, 3), np.uint8)
    textured[::2] = 250
    assert grid_linear(textured, LUT, (2, 2)).mean() < 0.5 * cv2.LUT(textured, LUT).mean()


def test_grid_boxes_keep_seeded_blobs_with_a_margin_in_whole_cells():
    mask = np.zeros((30, 40), bool)
    mask[10:15, 12:20] = True  # an object
    mask[2, 35] = True  # a faint speck with no seed
    seeds = np.zeros_like(mask)
    seeds[12, 15] = True
    boxes = grid_boxes(mask, seeds, 4, (120, 160), margin=2)
    assert boxes == [(32, 68, 40, 88)]


@pytest.mark.parametrize("shape", [(120, 160), (122, 166)])
def test_full_cells_are_the_cells_wholly_inside_the_mask(shape):
    from mattebox_keyer.halfres import full_cells

    rng = np.random.default_rng(shape[1])
    mask = (rng.random(shape) > 0.03).astype(np.uint8)
    mask[20:80, 40:120] = 1
    small = (shape[0] // 4, shape[1] // 4)
    got = full_cells(mask, small)
    mean = cv2.resize(mask.astype(np.float32), (small[1], small[0]), interpolation=cv2.INTER_AREA)
    np.testing.assert_array_equal(got, mean > 0.99)
    assert got[6:19, 11:29].all()  # the solid block's inner cells


def _strand_frame(strand_alpha: float, h: int = 720, w: int = 1280):
    """Y'CbCr planes of a subject plus a thin semi-transparent strand far from it, mixed in linear light."""
    from mattebox.media.color import ColorInfo, rgb_to_ycbcr_matrix

    rng = np.random.default_rng(7)
    color = ColorInfo("bt709", full_range=False)
    alpha = np.zeros((h, w), np.float32)
    alpha[200:600, 200:460] = 1.0
    cv2.line(alpha, (800, 100), (1130, 630), float(strand_alpha), 2)  # 2 px wide, on its own
    screen, fg = np.array((40, 170, 60), np.float32), np.array((200, 170, 150), np.float32)
    mix = (fg / 255) ** 2.2 * alpha[..., None] + (screen / 255) ** 2.2 * (1 - alpha[..., None])
    rgb = np.clip(255 * mix ** (1 / 2.2) + rng.normal(0, 2.0, (h, w, 3)), 0, 255).astype(np.uint8)
    ycc = cv2.transform(rgb, rgb_to_ycbcr_matrix(color))
    half = (w // 2, h // 2)
    cb = cv2.resize(np.ascontiguousarray(ycc[..., 1]), half, interpolation=cv2.INTER_AREA)
    cr = cv2.resize(np.ascontiguousarray(ycc[..., 2]), half, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(ycc[..., 0]), cb, cr, color, alpha


def test_a_faint_strand_on_its_own_is_keyed_though_the_grid_barely_sees_it():
    """The plate grid averages a thin strand away; its chroma still marks it for keying at chroma resolution."""
    from mattebox_keyer.keyer import Keyer

    y, cb, cr, color, truth = _strand_frame(0.3)
    keyer = Keyer()
    light = keyer.linearise(y, cb, cr, color)
    small_alpha = cv2.resize(truth, light.d_small.shape[::-1], interpolation=cv2.INTER_AREA)
    assert 0.02 < small_alpha[:, 90:].max() < 0.16  # what the grid sees of it: below the object seed level
    alpha, _ = keyer.key(y, cb, cr, color)
    on = truth[:, 700:] > 0.25
    assert abs(float(alpha[:, 700:][on].mean()) - 0.3) < 0.08  # (without the chroma cue: 0, the strand is lost)
    off = cv2.dilate((truth > 0).astype(np.uint8), np.ones((9, 9), np.uint8)) == 0
    assert float(alpha[off].max()) < 0.05  # and the screen around stays clean
