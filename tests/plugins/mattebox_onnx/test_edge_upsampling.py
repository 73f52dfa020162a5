"""The band-limited guided upsampling gives the fast guided filter's matte, computing only a fraction
of the frame: real walker frames, real selfie-model masks from the processor, at an integer scale
(720p -> 640x360, 1080p -> 480x270) and a non-integer one (1366x768 -> 640x360)."""

from __future__ import annotations

import av
import cv2
import numpy as np
import pytest

from mattebox.matte import guided_upsample
from mattebox.media.color import ColorInfo
from mattebox.media.frame import Frame
from mattebox_onnx.processor import OnnxProcessor, Settings
from mattebox_onnx.store import ModelStore
from mattebox_onnx.upsample import EdgeUpsampler, small_luma


def _resized(frame: Frame, width: int, height: int) -> Frame:
    rgb = cv2.resize(frame.rgb(), (width, height), interpolation=cv2.INTER_AREA)
    av_frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
    return Frame(frame.index, frame.time, av_frame, ColorInfo())


def _fast_guided_filter(mask: np.ndarray, luma: np.ndarray, small: np.ndarray, radius: int, eps: float) -> np.ndarray:
    """The fast guided filter written out in full (every pixel), with the same working-resolution guide."""
    h, w = mask.shape
    r = max(1, round(radius * w / luma.shape[1]))

    def box(x: np.ndarray) -> np.ndarray:
        return cv2.boxFilter(x, -1, (2 * r + 1, 2 * r + 1), normalize=True, borderType=cv2.BORDER_REFLECT)

    g = small.astype(np.float32) / 255.0
    mean_i, mean_p = box(g), box(mask)
    a = (box(g * mask) - mean_i * mean_p) / (box(g * g) - mean_i * mean_i + eps)
    b = mean_p - a * mean_i
    size = (luma.shape[1], luma.shape[0])
    big_a = cv2.resize(box(a), size, interpolation=cv2.INTER_LINEAR)
    big_b = cv2.resize(box(b), size, interpolation=cv2.INTER_LINEAR)
    return np.clip(big_a * (luma.astype(np.float32) / 255.0) + big_b, 0.0, 1.0)


def _working_masks(frames: list[Frame]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(working mask, full-resolution luma, working luma) per frame, as the processor hands them to the upsampler."""
    proc = OnnxProcessor(ModelStore().get("selfie-general"), Settings(provider="cpu"))
    seen = []

    def grab(work: np.ndarray, y: np.ndarray, small: np.ndarray) -> np.ndarray:
        seen.append((proc.smoother(work, small).copy(), y.copy(), small.copy()))
        return np.zeros(y.shape, np.float32)

    proc._finish_mask = grab  # the masks the upsampler would get, nothing else changed
    proc.process(frames)
    return seen


@pytest.mark.parametrize("size", [None, (1920, 1080), (1366, 768)])
def test_band_upsampling_matches_the_fast_guided_filter(selfie_home, clip_frames, size) -> None:
    frames = clip_frames("greenscreen_walker.mp4", 8, start=120)
    if size is not None:
        frames = [_resized(f, *size) for f in frames]
    width, height = frames[0].width, frames[0].height
    shares = []
    for work, y, small in _working_masks(frames):
        radius = max(2, round(max(width, height) / 240))
        up = EdgeUpsampler(width, height, work.shape[1], work.shape[0], radius, 1e-4)
        assert up.factor == {None: 2, (1920, 1080): 4, (1366, 768): 0}[size]  # whole factors and a fractional one
        out = up(work, y, small)
        ref = _fast_guided_filter(work, y, small, radius, 1e-4)
        assert out.shape == (height, width) and out.dtype == np.float32
        assert 0.0 <= out.min() and out.max() <= 1.0
        diff = np.abs(out - ref)
        # settled regions are filled with exact 0/1: within 2*tol of the filter; computed regions are the filter
        assert diff.max() <= 2 * up.tol + 1e-4, (float(diff.max()), np.unravel_index(int(diff.argmax()), diff.shape))
        assert ((out > 0.5) == (ref > 0.5)).mean() > 0.9999
        # and the core's fast guided filter (its own area-resized guide: within a code of this one)
        assert ((out > 0.5) == (guided_upsample(work, y, radius=radius, eps=1e-4) > 0.5)).mean() > 0.999
        shares.append(up.computed_share)
    # the walker fills a few percent of the frame: only the band around the silhouette is computed
    assert 0.0 < max(shares) < 0.4, shares


def test_an_empty_mask_needs_no_full_resolution_work(clip_frames) -> None:
    (frame,) = clip_frames("pedestrians_vtest.avi", 1)
    y = frame.ycbcr420()[0]
    up = EdgeUpsampler(frame.width, frame.height, 640, 360, 5, 1e-4)
    out = up(np.zeros((360, 640), np.float32), y)
    assert out.shape == (720, 1280) and not out.any() and up.computed_share == 0.0


def test_a_full_mask_is_opaque_without_computing_the_interior(clip_frames) -> None:
    (frame,) = clip_frames("pedestrians_vtest.avi", 1)
    y = frame.ycbcr420()[0]
    up = EdgeUpsampler(frame.width, frame.height, 640, 360, 5, 1e-4)
    out = up(np.ones((360, 640), np.float32), y)
    np.testing.assert_allclose(out, 1.0, atol=2 * up.tol)
    assert up.computed_share < 0.05  # nothing varies: the whole frame is filled, not computed


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (3840, 2160), (1366, 768)])
def test_working_luma_is_the_area_average(clip_frames, size) -> None:
    (frame,) = clip_frames("greenscreen_walker.mp4", 1, start=200)
    y = cv2.resize(frame.ycbcr420()[0], size, interpolation=cv2.INTER_CUBIC)
    small = small_luma(y, 640, 360)
    area = cv2.resize(y, (640, 360), interpolation=cv2.INTER_AREA)
    assert small.shape == (360, 640) and small.flags.c_contiguous
    assert int(np.abs(small.astype(np.int16) - area).max()) <= 1  # rounding of the box mean at even factors
