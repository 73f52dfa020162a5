"""Arrays reused between frames: 0 outside the boxes asked for, whatever the previous user wrote."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from mattebox_keyer.buffers import ClearedArrays

SHAPE = (48, 64)


def _outside(shape, boxes) -> np.ndarray:
    out = np.ones(shape, bool)
    for y0, y1, x0, x1 in boxes:
        out[y0:y1, x0:x1] = False
    return out


@st.composite
def _boxes(draw):
    count = draw(st.integers(0, 3))
    boxes = []
    for _ in range(count):
        y0, y1 = sorted(draw(st.lists(st.integers(0, SHAPE[0]), min_size=2, max_size=2)))
        x0, x1 = sorted(draw(st.lists(st.integers(0, SHAPE[1]), min_size=2, max_size=2)))
        boxes.append((y0, y1, x0, x1))
    return boxes


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_boxes(), st.booleans(), st.sampled_from([np.float32, np.uint8])), min_size=1, max_size=12))
def test_taken_arrays_are_zero_outside_their_boxes_after_any_reuse(steps):
    pool = ClearedArrays(keep=2)
    rng = np.random.default_rng(len(steps))
    held = []
    for boxes, give_back, dtype in steps:
        a = pool.take(SHAPE, dtype, boxes)
        assert a.shape == SHAPE and a.dtype == dtype
        assert not a[_outside(SHAPE, boxes)].any()
        for y0, y1, x0, x1 in boxes:  # the user fills its boxes (non-zero)
            a[y0:y1, x0:x1] = rng.integers(1, 200, size=(y1 - y0, x1 - x0))
        held.append((a, boxes))
        if give_back:
            for array, written in held:
                pool.give(array, written)
            held = []


def test_arrays_are_reused_and_cleared_only_where_they_were_written():
    pool = ClearedArrays()
    a = pool.take(SHAPE, np.float32, [(0, 10, 0, 10)])
    a[0:10, 0:10] = 1.0
    pool.give(a, [(0, 10, 0, 10)])
    b = pool.take(SHAPE, np.float32, [(20, 30, 20, 30)])
    assert b is a and not b.any()  # the same memory, cleared where it had been written
    b[:] = 7.0  # written everywhere, and handed back without boxes: cleared in full on reuse
    pool.give(b, None)
    c = pool.take(SHAPE, np.float32, [(20, 30, 20, 30)])
    assert c is a and not c[_outside(SHAPE, [(20, 30, 20, 30)])].any()


def test_arrays_are_kept_apart_by_shape_and_type_and_in_bounded_numbers():
    pool = ClearedArrays(keep=1)
    a, b = np.zeros(SHAPE, np.float32), np.zeros(SHAPE, np.float32)
    pool.give(a, [])
    pool.give(b, [])  # beyond ``keep``: dropped
    assert pool.take(SHAPE, np.uint8, []) is not a
    assert pool.take(SHAPE, np.float32, []) is a
    assert pool.take(SHAPE, np.float32, []) is not b
    read_only = np.zeros(SHAPE, np.float32)
    read_only.flags.writeable = False
    pool.give(read_only, [])
    assert pool.take(SHAPE, np.float32, []) is not read_only
