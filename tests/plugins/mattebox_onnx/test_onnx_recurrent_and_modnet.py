"""RVM and MODNet code paths, on small models with exactly their signatures and dtypes, fed real frames."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from onnx_signature_models import modnet_like, rvm_like

from mattebox_onnx.catalog import CATALOG
from mattebox_onnx.install import add_model
from mattebox_onnx.preprocess import auto_downsample_ratio, short_side_size
from mattebox_onnx.processor import OnnxProcessor, Settings
from mattebox_onnx.store import ModelStore


@pytest.fixture
def rvm_model(home: Path, tmp_path: Path):
    def make(fp16: bool = False):
        name = "rvm_mobilenetv3_fp16.onnx" if fp16 else "rvm_resnet50_fp32.onnx"
        return add_model("rvm", str(rvm_like(tmp_path / name, fp16=fp16)))

    return make


@pytest.mark.parametrize("fp16", [False, True])
def test_rvm_states_flow_frame_to_frame_and_ratio_arrives_as_float32(rvm_model, clip_frames, fp16: bool) -> None:
    model = rvm_model(fp16)
    assert model.name == ("rvm-mobilenetv3-fp16" if fp16 else "rvm-resnet50-fp32")
    proc = OnnxProcessor(model, Settings(provider="cpu"))
    frames = clip_frames("greenscreen_walker.mp4", 5)
    proc.prepare()
    assert proc.runner.dtype == (np.float16 if fp16 else np.float32)
    assert proc.runner.input_types["downsample_ratio"] == np.float32
    results = proc.process(frames[:2]) + proc.process(frames[2:])
    ratio = auto_downsample_ratio(720, 1280)
    assert ratio == pytest.approx(0.4)
    tol = 2e-3 if fp16 else 1e-5
    for k, res in enumerate(results):
        assert res.alpha.shape == (720, 1280) and res.alpha.dtype == np.float32
        # pha = 0.1 * (frames the state went through) + ratio
        assert float(res.alpha.mean()) == pytest.approx(min(1.0, 0.1 * k + ratio), abs=tol)
        # fgr is the source frame: the runner's layout round trip returns the picture
        want = frames[k].rgb().astype(np.int16)
        assert np.abs(res.foreground.astype(np.int16) - want).mean() < (1.5 if fp16 else 0.6)


def test_rvm_state_resets_at_a_scene_cut(rvm_model, clip_frames) -> None:
    proc = OnnxProcessor(rvm_model(), Settings(provider="cpu", downsample_ratio=0.25))
    walker = clip_frames("greenscreen_walker.mp4", 3)
    street = clip_frames("pedestrians_vtest.avi", 2)
    alphas = [float(r.alpha.mean()) for r in proc.process(walker + street)]
    np.testing.assert_allclose(alphas, [0.25, 0.35, 0.45, 0.25, 0.35], atol=1e-5)
    assert proc.stats["scene_cuts"] == 1


def test_rvm_user_ratio_is_used(rvm_model, clip_frames) -> None:
    proc = OnnxProcessor(rvm_model(), Settings(provider="cpu", downsample_ratio=0.6))
    (res,) = proc.process(clip_frames("greenscreen_walker.mp4", 1))
    assert float(res.alpha.mean()) == pytest.approx(0.6, abs=1e-5)


def test_modnet_input_is_short_side_512_multiple_of_32_normalised(home: Path, tmp_path: Path, clip_frames) -> None:
    model = add_model("modnet", str(modnet_like(tmp_path / "modnet.onnx")))
    assert model.card == CATALOG["modnet"].card
    proc = OnnxProcessor(model, Settings(provider="cpu", smoothing=0.0))
    (frame,) = clip_frames("pedestrians_vtest.avi", 1)
    proc.prepare()
    w, h = short_side_size(frame.width, frame.height, 512, 32)
    assert (w, h) == (896, 512)
    out = proc.runner.run([proc._model_inputs(frame, None)]).alpha[0]
    assert out.shape == (h, w)
    small = cv2.resize(frame.rgb(), (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
    expected = np.clip(((small - 127.5) / 127.5).mean(axis=2), 0.0, 1.0)
    np.testing.assert_allclose(out, expected, atol=1e-5)
    # through the whole processor the alpha comes back at full resolution
    (res,) = proc.process([frame])
    assert res.alpha.shape == (720, 1280)


def test_rvm_without_the_right_hash_is_refused(home: Path, tmp_path: Path) -> None:
    from mattebox_onnx.errors import ModelError

    fake = rvm_like(tmp_path / "rvm_mobilenetv3_fp32.onnx")  # the official file name, not the official bytes
    with pytest.raises(ModelError) as info:
        add_model("rvm", str(fake))
    assert "SHA-256" in info.value.message and "88d4531297118f59" in info.value.message
    assert ModelStore().find("rvm-mobilenetv3-fp32") is None
