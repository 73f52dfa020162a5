"""The TFLite → ONNX converter reproduces MediaPipe's selfie models (checked against ai-edge-litert)."""

from __future__ import annotations

import glob
import zipfile
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest
from skimage import data as skdata

from mattebox_onnx.catalog import CATALOG
from mattebox_onnx.convert.tflite_to_onnx import convert_tflite
from mattebox_onnx.errors import ConversionError


def _tflite_bytes(model_cache: Path, name: str) -> bytes:
    wheels = glob.glob(str(model_cache / "wheels" / "mediapipe-*.whl"))
    assert wheels, "the model_cache fixture should have cached the mediapipe wheel"
    with zipfile.ZipFile(wheels[0]) as zf:
        return zf.read(CATALOG[name].member)


def _litert(data: bytes, x: np.ndarray) -> np.ndarray:
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_content=data)
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"])


@pytest.mark.parametrize("name", ["selfie-general", "selfie-landscape"])
def test_converted_model_matches_tflite_on_a_real_photo(model_cache: Path, name: str) -> None:
    raw = _tflite_bytes(model_cache, name)
    spec = CATALOG[name]
    photo = skdata.astronaut()
    x = (cv2.resize(photo, (spec.card.width, spec.card.height), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0)[None]
    model = convert_tflite(raw)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    got = session.run(None, {spec.card.input_name: x})[0]
    want = _litert(raw, x)
    assert got.shape == want.shape == (1, spec.card.height, spec.card.width, 1)
    diff = np.abs(got - want)
    assert diff.mean() <= 1e-5, f"mean |Δ| {diff.mean():.2e}, max {diff.max():.2e} at {np.unravel_index(diff.argmax(), diff.shape)}"
    # the photo has a person: the model must find a sizeable foreground, not a blank
    assert 0.1 < (want > 0.5).mean() < 0.9


def test_batch_dimension_is_dynamic_and_items_independent(model_cache: Path) -> None:
    raw = _tflite_bytes(model_cache, "selfie-general")
    model = convert_tflite(raw)
    assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    photo = cv2.resize(skdata.astronaut(), (256, 256)).astype(np.float32) / 255.0
    batch = np.stack([photo, photo[:, ::-1], np.zeros_like(photo)])
    out = session.run(None, {"input_1": batch})[0]
    single = session.run(None, {"input_1": batch[1:2]})[0]
    assert out.shape == (3, 256, 256, 1)
    np.testing.assert_allclose(out[1], single[0], atol=1e-5)
    assert np.abs(out[0] - out[1]).mean() > 1e-3  # different images give different mattes


def test_rejects_a_file_that_is_not_tflite() -> None:
    with pytest.raises(ConversionError, match="TFL3"):
        convert_tflite(b"\x00" * 64)


def test_rejects_a_truncated_model(model_cache: Path) -> None:
    raw = _tflite_bytes(model_cache, "selfie-general")
    with pytest.raises(ConversionError) as info:
        convert_tflite(raw[: len(raw) // 3])
    assert info.value.code == "InternalServerError.Model"
    assert "mattebox models install selfie" in info.value.hint
