"""What the pipeline does to a backend's matte before the encoders see it."""

from __future__ import annotations

import av
import numpy as np
import pytest
from mattebox.backend import MatteResult
from mattebox.errors import MatteboxError
from mattebox.media.color import ColorInfo
from mattebox.media.frame import Frame
from mattebox.pipeline import _check_result


def _frame(w: int = 64, h: int = 48) -> Frame:
    return Frame(0, 0.0, av.VideoFrame(w, h, "yuv420p"), ColorInfo())


def test_mattes_out_of_range_are_clipped_for_the_encoders():
    alpha = np.linspace(-0.5, 1.5, 48 * 64, dtype=np.float32).reshape(48, 64)
    result = MatteResult(alpha)
    _check_result(_frame(), result)
    assert result.alpha.min() == 0.0 and result.alpha.max() == 1.0


def test_other_dtypes_and_read_only_mattes_become_writable_float32_within_0_1():
    alpha = np.full((48, 64), 2.0, np.float64)
    result = MatteResult(alpha, alpha_in_range=True)  # a wrong dtype overrides the declaration
    _check_result(_frame(), result)
    assert result.alpha.dtype == np.float32 and (result.alpha == 1.0).all()
    ro = np.full((48, 64), 0.5, np.float32)
    ro.flags.writeable = False
    result = MatteResult(ro)
    _check_result(_frame(), result)
    assert result.alpha.flags.writeable and result.alpha is not ro


def test_a_matte_declared_in_range_is_left_untouched():
    alpha = np.full((48, 64), 0.25, np.float32)
    result = MatteResult(alpha, alpha_in_range=True)
    _check_result(_frame(), result)
    assert result.alpha is alpha and (alpha == 0.25).all()


def test_a_matte_of_the_wrong_size_is_an_algo_error():
    with pytest.raises(MatteboxError) as err:
        _check_result(_frame(), MatteResult(np.zeros((10, 10), np.float32)))
    assert err.value.code == "InternalServerError.Algo"
