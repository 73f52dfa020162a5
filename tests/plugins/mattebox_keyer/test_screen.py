"""The colour difference and the push-pull fill, against their definitions written out in numpy."""

from __future__ import annotations

import numpy as np
import pytest
from mattebox_keyer.screen import push_pull, screen_difference

_CHANNELS = {"green": (1, 0, 2), "blue": (2, 0, 1)}


@pytest.mark.parametrize("shape", [(1, 1, 3), (4, 1, 3), (1, 4, 3), (135, 240, 3)])
@pytest.mark.parametrize("screen", ["green", "blue"])
@pytest.mark.parametrize("balance", [0.0, 0.5, 1.0])
def test_screen_difference_is_key_minus_a_balanced_mix_of_the_others(shape, screen, balance):
    rng = np.random.default_rng(shape[0] * 7 + shape[1])
    lin = rng.random(shape).astype(np.float32)
    k, o1, o2 = _CHANNELS[screen]
    others_max, others_mean = np.maximum(lin[..., o1], lin[..., o2]), 0.5 * (lin[..., o1] + lin[..., o2])
    expected = lin[..., k] - (balance * others_max + (1.0 - balance) * others_mean)
    d = screen_difference(lin, screen, balance)
    assert d.shape == shape[:2] and d.dtype == np.float32  # tiny arrays are not taken for scalars
    np.testing.assert_allclose(d, expected, atol=1e-6)


@pytest.mark.parametrize("channels", [0, 3])
def test_push_pull_keeps_known_values_and_fills_the_hole_smoothly(channels):
    h, w = 64, 96
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = 0.2 + 0.5 * xx / w  # lighting that varies smoothly across the frame
    values = ramp if not channels else np.dstack([ramp, 0.5 * ramp, 1.0 - ramp])
    weights = np.ones((h, w), np.float32)
    weights[20:44, 30:60] = 0.0  # the subject hides this part
    hidden = values.copy()
    hidden[20:44, 30:60] = 5.0  # garbage where nothing is known
    filled = push_pull(hidden.astype(np.float32), weights)
    assert filled.shape == values.shape and filled.dtype == np.float32
    known = weights > 0
    np.testing.assert_allclose(filled[known], values[known], atol=1e-5)
    assert np.abs(filled[~known] - values[~known]).max() < 0.05  # the ramp continues under the subject


def test_push_pull_with_nothing_known_gives_zeros():
    out = push_pull(np.ones((32, 32, 3), np.float32), np.zeros((32, 32), np.float32))
    assert out.shape == (32, 32, 3) and not out.any()
