"""Helpers shared by the ONNX benchmarks: the real clips, a 1080p version of one, the selfie models,
a careful green-screen key as a reference mask, and matte metrics (IoU, dtSSD)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import av
import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"


def shared_clip(name: str) -> Path:
    base = Path(os.environ.get("MATTEBOX_TESTDATA_DIR") or REPO.parent / "shared" / "data")
    path = base / name
    if not path.is_file():
        raise SystemExit(f"benchmark clip missing: {path}")
    return path


def ensure_selfie_models() -> Path:
    """Install the selfie models once into the shared test cache and point MATTEBOX_MODEL_PATH at it."""
    from mattebox_onnx.install import install_models
    from mattebox_onnx.store import ModelStore

    cache = Path(os.environ.get("MATTEBOX_TEST_CACHE") or Path.home() / ".cache" / "mattebox-tests")
    store = ModelStore(root=cache / "models", extra=[])
    if store.find("selfie-general") is None or store.find("selfie-landscape") is None:
        install_models("selfie", store, wheel_cache=cache / "wheels")
    os.environ["MATTEBOX_MODEL_PATH"] = str(cache / "models")
    return cache / "models"


def green_key(rgb: np.ndarray, margin: int = 40) -> np.ndarray:
    """A careful key of an evenly lit green screen: foreground where green does not dominate by ``margin``."""
    r, g, b = (rgb[..., i].astype(np.int16) for i in range(3))
    fg = ((g - np.maximum(r, b)) < margin).astype(np.uint8)
    fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    return fg.astype(bool)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a > 0.5, b > 0.5
    return float((a & b).sum() / max(1, (a | b).sum()))


def dtssd(alphas: list[np.ndarray], refs: list[np.ndarray] | None = None) -> float:
    """Temporal coherence ×1e2 (lower is steadier); with no reference the reference is still (zero change)."""
    vals = []
    for t in range(1, len(alphas)):
        d = alphas[t].astype(np.float64) - alphas[t - 1]
        if refs is not None:
            d -= refs[t].astype(np.float64) - refs[t - 1]
        vals.append(np.sqrt(np.mean(d * d)) * 100.0)
    return float(np.mean(vals))


def upscaled_clip(src: Path, dest: Path, size: tuple[int, int], frames: int) -> Path:
    """``frames`` frames of ``src`` resized to ``size`` and encoded as H.264 (a 1080p test clip from real footage)."""
    if dest.exists():
        return dest
    with av.open(str(src)) as inp, av.open(str(dest), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        stream.options = {"crf": "18", "preset": "veryfast"}
        for i, f in enumerate(inp.decode(video=0)):
            if i >= frames:
                break
            img = cv2.resize(f.to_ndarray(format="rgb24"), size, interpolation=cv2.INTER_CUBIC)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return dest


def write_result(name: str, data: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(data, indent=2))
    return path


def read_result(name: str) -> dict | None:
    path = OUT / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None
