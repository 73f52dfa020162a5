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


def test_each_result_is_released_once_every_output_has_written_it():
    import threading

    from mattebox.pipeline import run_pipeline

    events: list[tuple[str, int]] = []

    class Writer:
        def __init__(self, name: str) -> None:
            self.name = name

        def write(self, frame: Frame, result: MatteResult) -> None:
            events.append((self.name, frame.index))

    class Processor:
        batch_size = 2

        def process(self, frames):
            return [
                MatteResult(np.zeros((48, 64), np.float32), release=lambda i=f.index: events.append(("release", i)))
                for f in frames
            ]

        def finish(self):
            return []

    frames = [Frame(i, i / 25, av.VideoFrame(64, 48, "yuv420p"), ColorInfo()) for i in range(5)]
    stats = run_pipeline(frames, Processor(), [Writer("a"), Writer("b")], cancel=threading.Event())
    assert stats.frames == 5
    assert events == [(name, i) for i in range(5) for name in ("a", "b", "release")]


@pytest.mark.parametrize("pix_fmt", ["gray", "gray16le", "yuva444p10le", "yuva420p"])
def test_encoders_convert_only_the_declared_boxes_with_the_same_result(pix_fmt):
    """A matte with ``alpha_boxes`` is converted box by box (the rest cleared): the frame must be the
    same as from a full conversion, also in a pooled frame that held another matte before."""
    from mattebox.media.planes import FramePool, gray_frame, yuv_frame_from_planes

    h, w = 48, 64
    boxes = [(4, 20, 8, 30), (30, 46, 40, 64)]
    alpha = np.zeros((h, w), np.float32)
    rng = np.random.default_rng(3)
    for y0, y1, x0, x1 in boxes:
        alpha[y0:y1, x0:x1] = rng.random((y1 - y0, x1 - x0), np.float32)
    planes = (np.full((h, w), 120, np.uint8), np.full((h // 2, w // 2), 90, np.uint8), np.full((h // 2, w // 2), 160, np.uint8))

    def make(a, b, pool):
        if pix_fmt.startswith("gray"):
            return gray_frame(a, pix_fmt, pool=pool, boxes=b)
        return yuv_frame_from_planes(*planes, pix_fmt, ColorInfo(), a, pool=pool, alpha_boxes=b)

    full = make(alpha, None, None)
    pool = FramePool(size=1)
    for _ in range(3):  # the pool's frame held a full (white) matte first
        make(np.ones((h, w), np.float32), None, pool)
        boxed = make(alpha, boxes, pool)
    size = 1 if pix_fmt in ("gray", "yuva420p") else 2
    for p_full, p_boxed in zip(full.planes, boxed.planes):
        rows = [np.frombuffer(p, np.uint8).reshape(p.height, p.line_size)[:, : p.width * size] for p in (p_full, p_boxed)]
        np.testing.assert_array_equal(*rows)
