"""The crop follows the walker between whole-frame passes without changing the matte, and the
whole-frame pass comes back when something appears outside the crop and at a scene cut (real
frames of the walker and pedestrians clips, the real selfie model)."""

from __future__ import annotations

import av
import numpy as np

from mattebox.media.color import ColorInfo
from mattebox.media.frame import Frame
from mattebox_onnx.processor import OnnxProcessor, Settings
from mattebox_onnx.store import ModelStore
from mattebox_onnx.tracking import reaches_edge


def _processor(**settings) -> OnnxProcessor:
    proc = OnnxProcessor(ModelStore().get("selfie-general"), Settings(provider="cpu", **settings))
    proc.prepare()
    return proc


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a > 0.5, b > 0.5
    return float((a & b).sum() / max(1, (a | b).sum()))


def _whole_frame_passes(proc: OnnxProcessor, frames: list[Frame]) -> list[bool]:
    """For each frame (processed one at a time), whether the whole-frame pass ran on it."""
    ran = []
    for frame in frames:
        before = proc.stats["whole_frame"] + proc.stats["refetches"]
        proc.process([frame])
        ran.append(proc.stats["whole_frame"] + proc.stats["refetches"] > before)
    return ran


def test_following_the_walker_gives_the_same_mattes_with_few_whole_frame_passes(selfie_home, clip_frames) -> None:
    frames = clip_frames("greenscreen_walker.mp4", 48, start=100)
    followed, every = _processor(), _processor(follow=False)
    a = followed.process(frames)
    b = every.process(frames)
    ious = [_iou(x.alpha, y.alpha) for x, y in zip(a, b)]
    assert min(ious) > 0.97, min(ious)
    assert every.stats["whole_frame"] == 48
    assert followed.stats["crops"] == 48
    assert followed.stats["whole_frame"] + followed.stats["refetches"] <= 48 // 6, followed.stats  # measured: 5


def _rebuilt(frame: Frame, patch: np.ndarray | None = None, x: int = 0, y: int = 0) -> Frame:
    """``frame`` through RGB and back, with ``patch`` (RGB) pasted at (x, y): someone walking in beside the followed person."""
    rgb = frame.rgb().copy()
    if patch is not None:
        rgb[y : y + patch.shape[0], x : x + patch.shape[1]] = patch
    av_frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
    return Frame(frame.index, frame.time, av_frame, ColorInfo())


def test_a_change_outside_the_crop_brings_the_whole_frame_pass_back(selfie_home, clip_frames) -> None:
    walker = [_rebuilt(f) for f in clip_frames("greenscreen_walker.mp4", 12, start=150)]  # same path as the patched ones
    (street,) = clip_frames("pedestrians_vtest.avi", 1, start=120)
    proc = _processor()
    ran = _whole_frame_passes(proc, walker[:6])
    crop = proc.tracker.crop
    assert ran[0] and not any(ran[1:]), ran
    assert crop is not None and crop[2] < 1100  # the walker's crop leaves the right of the frame free
    patch = street.rgb()[300:500, 1080:1260]  # pedestrians, outside the crop
    entering = [_rebuilt(f, patch, 1090, 300) for f in walker[6:]]
    ran = _whole_frame_passes(proc, entering)
    assert ran[0], "the frame where something appeared outside the crop must run the whole-frame pass"
    assert not any(ran[1:]), ran  # once seen, the still patch is part of the reference


def test_a_scene_cut_runs_the_whole_frame_pass_and_restarts_following(selfie_home, clip_frames) -> None:
    frames = clip_frames("greenscreen_walker.mp4", 4, start=150) + clip_frames("pedestrians_vtest.avi", 3, start=100)
    proc = _processor()
    ran = _whole_frame_passes(proc, frames)
    assert proc.stats["scene_cuts"] == 1
    assert ran[0] and ran[4] and not any(ran[1:4]), ran


def test_reaching_the_crop_edge_is_seen_only_where_the_crop_is_inside_the_frame() -> None:
    mask = np.zeros((256, 256), np.float32)
    mask[40:256, 100:150] = 0.9  # the person runs off the bottom of the crop
    assert reaches_edge(mask, (100.0, 0.0, 600.0, 500.0), 1280, 720)  # the crop ends above the frame's bottom
    assert not reaches_edge(mask, (100.0, 220.0, 600.0, 720.0), 1280, 720)  # the crop's bottom is the frame's
    mask[:] = 0.0
    mask[60:200, 60:200] = 1.0
    assert not reaches_edge(mask, (100.0, 0.0, 600.0, 500.0), 1280, 720)
