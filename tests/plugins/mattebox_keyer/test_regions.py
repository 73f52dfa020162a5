"""Boxes around the objects of a matte: every non-zero pixel covered, whatever its value or the frame's size."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mattebox_keyer.regions import blob_rects, object_boxes, seeded_boxes


def _covered(shape, boxes):
    cover = np.zeros(shape, bool)
    for y0, y1, x0, x1 in boxes:
        cover[y0:y1, x0:x1] = True
    return cover


@pytest.mark.parametrize("shape", [(540, 960), (541, 963), (135, 241), (7, 5)])
def test_object_boxes_cover_every_nonzero_pixel_even_of_value_one(shape):
    rng = np.random.default_rng(sum(shape))
    mask = np.zeros(shape, np.uint8)
    ys, xs = rng.integers(0, shape[0], 6), rng.integers(0, shape[1], 6)
    mask[ys, xs] = 1  # a single faint pixel in an 8x8 cell averages to 0: it must still count
    boxes = object_boxes(mask, margin=0)
    assert _covered(shape, boxes)[ys, xs].all()
    # and the boxes stay near the pixels: far less than the frame for a few isolated pixels
    if shape[0] * shape[1] > 10_000:
        assert _covered(shape, boxes).mean() < 0.2


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 40), st.integers(1, 40), st.floats(0.05, 0.9), st.booleans(), st.integers(0, 2**32 - 1)
)
def test_blob_rects_are_the_rectangles_opencv_counts_for_every_blob(h, w, density, smooth, seed):
    """Blobs touching the border, nested in each other's holes, single pixels: the same rectangles
    as ``connectedComponentsWithStats``, and with seeds those of the seeded blobs only."""
    rng = np.random.default_rng(seed)
    mask = (rng.random((h, w)) < density).astype(np.uint8)
    if smooth:  # bigger blobs, with holes
        mask = cv2.dilate(mask, np.ones((2, 2), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    assert blob_rects(mask).tolist() == stats[1:count, :4].tolist()
    seeds = rng.random((h, w)) < 0.05
    seeded = np.unique(labels[seeds & (labels > 0)])
    assert blob_rects(mask, seeds).tolist() == stats[seeded, :4].tolist()


def test_seeded_boxes_keep_only_blobs_holding_a_seed():
    mask = np.zeros((270, 480), np.uint8)
    mask[100:140, 200:260] = 255  # the object
    mask[10:12, 10:12] = 255  # a speck of noise far away
    seeds = np.zeros_like(mask)
    seeds[120, 230] = 255
    boxes = seeded_boxes(mask, seeds)
    cover = _covered(mask.shape, boxes)
    assert cover[100:140, 200:260].all()
    assert not cover[10:12, 10:12].any()


@pytest.mark.parametrize(
    "boxes",
    [
        [],
        [(10, 50, 20, 80)],
        [(0, 120, 0, 160)],
        [(10, 50, 20, 80), (30, 90, 60, 150)],  # overlapping
        [(5, 15, 5, 15), (60, 100, 100, 140), (70, 80, 0, 10)],
        [(-3, 20, 150, 170)],  # reaching past the frame
    ],
)
def test_zero_outside_clears_exactly_the_pixels_no_box_covers(boxes):
    from mattebox_keyer.regions import empty_outside, zero_outside

    image = np.full((120, 160), 7.0, np.float32)
    zero_outside(image, boxes)
    cover = _covered(image.shape, [(max(y0, 0), y1, max(x0, 0), x1) for y0, y1, x0, x1 in boxes])
    assert (image[cover] == 7.0).all()
    assert (image[~cover] == 0.0).all()
    fresh = empty_outside((120, 160), np.uint8, boxes)
    assert fresh.dtype == np.uint8 and (fresh[~cover] == 0).all()


def test_zero_outside_on_a_view_leaves_the_rest_of_the_parent_alone():
    from mattebox_keyer.regions import zero_outside

    parent = np.full((60, 80, 3), 5, np.uint8)
    view = parent[:, :, 1]  # not contiguous: cleared element by element, never as whole rows
    zero_outside(view, [(10, 20, 30, 40)])
    assert (parent[:, :, 0] == 5).all() and (parent[:, :, 2] == 5).all()
    assert (view[10:20, 30:40] == 5).all() and view.sum() == 5 * 100


def test_zero_within_clears_the_boxes_outside_the_kept_ones_and_touches_nothing_else():
    from mattebox_keyer.regions import zero_within

    rng = np.random.default_rng(5)
    image = rng.random((120, 200)).astype(np.float32) + 0.1
    boxes = [(10, 60, 20, 90), (70, 110, 100, 190)]
    keep = [(30, 50, 40, 95), (0, 8, 0, 8)]  # overlapping a box past its edge; and one outside every box
    before = image.copy()
    zero_within(image, boxes, keep)
    in_boxes, in_keep = _covered(image.shape, boxes), _covered(image.shape, keep)
    assert not image[in_boxes & ~in_keep].any()
    np.testing.assert_array_equal(image[~in_boxes | in_keep], before[~in_boxes | in_keep])
