"""Shared matte operations: each does what it says, measured on constructed images."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from mattebox.matte import (TemporalSmoother, blur_background, choke, composite_over, despill, feather, fill_holes,
                            guided_upsample, premultiply)


def _disc(h: int, w: int, r: float, cx: float, cy: float) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    return (((xx - cx) ** 2 + (yy - cy) ** 2) <= r * r).astype(np.float32)


def test_guided_upsampling_follows_the_full_resolution_edges():
    h, w = 720, 1280
    truth = _disc(h, w, 200, 640, 360)
    guide = (truth * 180 + 40).astype(np.uint8)  # the image shows the exact edge
    low = cv2.resize(truth, (256, 144), interpolation=cv2.INTER_AREA)  # a model's coarse mask
    bilinear = cv2.resize(low, (w, h), interpolation=cv2.INTER_LINEAR)
    guided = guided_upsample(low, guide, radius=6, eps=1e-4)
    err_bilinear = np.abs(bilinear - truth).mean()
    err_guided = np.abs(guided - truth).mean()
    assert guided.shape == (h, w) and guided.dtype == np.float32
    assert 0.0 <= guided.min() and guided.max() <= 1.0
    assert err_guided < 0.5 * err_bilinear, (err_guided, err_bilinear)


def test_guided_upsampling_accepts_rgb_guides_like_luma():
    rgb = np.dstack([np.full((90, 160), v, np.uint8) for v in (10, 200, 30)])
    rgb[:, 80:] = 250
    mask = np.zeros((45, 80), np.float32)
    mask[:, 40:] = 1
    luma = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    assert np.array_equal(guided_upsample(mask, rgb), guided_upsample(mask, luma))


def test_temporal_smoothing_removes_flicker_on_still_regions_but_follows_motion():
    h, w = 120, 160
    luma = np.full((h, w), 100, np.uint8)
    rng = np.random.default_rng(0)
    smoother = TemporalSmoother(strength=0.7)
    base = _disc(h, w, 30, 80, 60)
    raw, smooth = [], []
    for _ in range(30):
        noisy = np.clip(base + rng.normal(0, 0.08, base.shape).astype(np.float32), 0, 1)
        raw.append(noisy)
        smooth.append(smoother(noisy, luma))
    flicker_raw = np.mean([np.abs(b - a).mean() for a, b in zip(raw, raw[1:])])
    flicker_smooth = np.mean([np.abs(b - a).mean() for a, b in zip(smooth[5:], smooth[6:])])
    assert flicker_smooth < 0.6 * flicker_raw
    # a moving object: the image changes where it moves, so the matte follows at once (no ghost)
    moved = _disc(h, w, 30, 110, 60)
    luma2 = (moved * 150 + 50).astype(np.uint8)
    smoother.reset()
    smoother(base, (base * 150 + 50).astype(np.uint8))
    out = smoother(moved, luma2)
    ghost = out[(base > 0.5) & (moved < 0.5)]
    assert ghost.max() < 0.05, "the old position leaves a ghost"


def test_temporal_smoothing_resets_at_a_scene_cut():
    s = TemporalSmoother(strength=0.9)
    a = np.zeros((50, 50), np.float32)
    s(a, np.full((50, 50), 20, np.uint8))
    b = np.ones((50, 50), np.float32)
    assert s(b, np.full((50, 50), 230, np.uint8)).min() == 1.0


def test_despill_methods_order_and_blue():
    px = np.array([[[120, 200, 100]]], np.uint8)  # green spill on a skin-ish colour
    avg, mx, mn = (despill(px, m)[0, 0] for m in ("average", "max", "min"))
    assert avg[1] == 110 and mx[1] == 120 and mn[1] == 100
    assert despill(px, "none") is px
    neutral = np.array([[[90, 60, 70]]], np.uint8)  # green below both others: untouched by every method
    for m in ("average", "max", "min"):
        assert np.array_equal(despill(neutral, m), neutral)
    blue = np.array([[[100, 110, 220]]], np.uint8)
    assert despill(blue, "average", screen="blue")[0, 0, 2] == 105
    with pytest.raises(ValueError):
        despill(px, "magic")


def test_composite_over_is_done_in_linear_light():
    fg = np.full((1, 1, 3), 255, np.uint8)
    bg = np.zeros((1, 1, 3), np.uint8)
    half = composite_over(fg, np.full((1, 1), 0.5, np.float32), bg)
    assert half[0, 0, 0] == 188  # 50% linear light is sRGB 188, not 128
    assert composite_over(fg, np.full((1, 1), 0.5, np.float32), bg, linear=False)[0, 0, 0] == 128
    assert np.array_equal(composite_over(fg, np.ones((1, 1), np.float32), bg), fg)
    assert np.array_equal(composite_over(fg, np.zeros((1, 1), np.float32), bg), bg)
    assert premultiply(np.full((1, 1, 3), 200, np.uint8), np.full((1, 1), 0.25, np.float32))[0, 0, 0] == 50


def test_choke_feather_and_hole_filling():
    a = _disc(101, 101, 30, 50, 50)
    assert choke(a, 5).sum() < a.sum() < choke(a, -5).sum()
    soft = feather(a, 4)
    assert 0 < soft[50, 20] < 1 and soft[50, 50] == pytest.approx(1.0, abs=1e-3)
    holed = a.copy()
    holed[48:52, 48:52] = 0  # a small hole inside
    holed[0:3, 0:3] = 0  # background touching the border stays background
    filled = fill_holes(holed, max_area=50)
    assert filled[50, 50] == 1.0 and filled[1, 1] == 0.0
    assert fill_holes(holed, max_area=10)[50, 50] == 0.0  # 16 px hole > 10


def test_blur_background_is_smooth():
    rng = np.random.default_rng(3)
    img = rng.integers(0, 255, (180, 320, 3), dtype=np.uint8)
    out = blur_background(img)
    assert out.shape == img.shape
    assert np.abs(np.diff(out.astype(int), axis=1)).mean() < 0.1 * np.abs(np.diff(img.astype(int), axis=1)).mean()


def test_blurred_background_leaves_the_subject_out():
    """A dark subject on a bright background: the blurred background around it stays bright (no halo)."""
    h, w = 240, 320
    img = np.full((h, w, 3), 220, np.uint8)
    alpha = _disc(h, w, 40, 160, 120)
    img[alpha > 0.5] = 10
    plain = blur_background(img)
    aware = blur_background(img, alpha=alpha)
    ring = (_disc(h, w, 60, 160, 120) > 0.5) & (alpha < 0.5)  # background just around the subject
    assert plain[ring].mean() < 190  # the subject smeared into its surroundings
    assert aware[ring].mean() > 212
