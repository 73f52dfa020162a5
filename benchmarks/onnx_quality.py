"""Quality of the ``body`` matte (selfie model + mattebox's post-processing) against the raw selfie model.

1. Accuracy: on ``greenscreen_walker.mp4`` a careful green key is the reference mask; IoU at 0.5 of
   (a) the raw model as MediaPipe runs it (whole frame stretched to 256², mask upsampled bilinearly)
   and (b) the onnx backend's processor (crop second pass, guided upsampling, temporal smoothing).
2. Flicker: a clip where the person is still (skimage's astronaut photo, 60 frames with sensor
   noise, H.264): dtSSD of the smoothed matte vs the raw per-frame matte, and IoU between them.

Run: ``python benchmarks/onnx_quality.py [--frames N]``; writes ``benchmarks/out/onnx_quality.json``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import av
import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from onnx_common import dtssd, ensure_selfie_models, green_key, iou, read_result, shared_clip, write_result  # noqa: E402

NAME = "onnx_quality"


def _frames(path: Path, count: int):
    from mattebox.media.color import ColorInfo
    from mattebox.media.frame import Frame

    with av.open(str(path)) as c:
        for i, f in enumerate(c.decode(video=0)):
            if i >= count:
                break
            yield Frame(i, float(f.time or 0), f, ColorInfo.from_av(f.colorspace, f.color_range, f.height))


def _processors(settings_list):
    from mattebox_onnx.processor import OnnxProcessor
    from mattebox_onnx.store import ModelStore

    model = ModelStore().get("selfie-general")
    procs = [OnnxProcessor(model, s) for s in settings_list]
    for p in procs:
        p.prepare()
    return procs


def _raw(proc, frame) -> np.ndarray:
    from mattebox_onnx.preprocess import stretch_input

    x = stretch_input(frame, (0.0, 0.0, float(frame.width), float(frame.height)), 256, 256)
    return cv2.resize(proc.runner.run([x]).alpha[0], (frame.width, frame.height), interpolation=cv2.INTER_LINEAR)


def accuracy(count: int) -> dict:
    from mattebox_onnx.processor import Settings

    raw_p, full_p, nocrop_p = _processors([Settings(provider="cpu"), Settings(provider="cpu"),
                                           Settings(provider="cpu", refine_crop=False)])
    raw, full, nocrop = [], [], []
    for frame in _frames(shared_clip("greenscreen_walker.mp4"), count):
        ref = green_key(frame.av_frame.to_ndarray(format="rgb24"))
        raw.append(iou(_raw(raw_p, frame), ref))
        full.append(iou(full_p.process([frame])[0].alpha, ref))
        nocrop.append(iou(nocrop_p.process([frame])[0].alpha, ref))
    return {"frames": len(raw), "iou_raw_selfie_bilinear": float(np.mean(raw)), "iou_body_matte": float(np.mean(full)),
            "iou_body_matte_without_crop_pass": float(np.mean(nocrop)), "iou_raw_min": float(np.min(raw)),
            "iou_body_min": float(np.min(full))}


def _still_clip(path: Path, frames: int = 60) -> Path:
    from skimage import data

    photo = data.astronaut()  # 512x512, a person
    canvas = cv2.resize(photo, (640, 640))
    rng = np.random.default_rng(0)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 640, 640, "yuv420p"
        stream.options = {"crf": "23", "preset": "veryfast"}
        for _ in range(frames):
            noisy = np.clip(canvas + rng.normal(0, 4.0, canvas.shape), 0, 255).astype(np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(noisy, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def flicker() -> dict:
    from mattebox_onnx.processor import Settings

    with tempfile.TemporaryDirectory() as tmp:
        clip = _still_clip(Path(tmp) / "still.mp4")
        raw_p, smooth_p = _processors([Settings(provider="cpu", smoothing=0.0), Settings(provider="cpu")])
        raw, smooth = [], []
        for frame in _frames(clip, 60):
            raw.append(raw_p.process([frame])[0].alpha)
            smooth.append(smooth_p.process([frame])[0].alpha)
    d_raw, d_smooth = dtssd(raw), dtssd(smooth)
    return {"frames": len(raw), "dtssd_raw": d_raw, "dtssd_smoothed": d_smooth, "ratio": d_smooth / d_raw if d_raw else 0.0,
            "iou_smoothed_vs_raw": float(np.mean([iou(a, b) for a, b in zip(smooth, raw)]))}


def report_section() -> str:
    r = read_result(NAME)
    if r is None:
        return "### ONNX quality\n(not run: `python benchmarks/onnx_quality.py`)\n"
    a, f = r["accuracy"], r["flicker"]
    return (
        "### ONNX backend quality (selfie model, CPU)\n"
        f"- greenscreen_walker, {a['frames']} frames, IoU vs a careful green key: raw selfie (bilinear) "
        f"{a['iou_raw_selfie_bilinear']:.3f}, mattebox body matte {a['iou_body_matte']:.3f} "
        f"(without the crop pass {a['iou_body_matte_without_crop_pass']:.3f})\n"
        f"- still person, {f['frames']} frames: dtSSD raw {f['dtssd_raw']:.3f}, smoothed {f['dtssd_smoothed']:.3f} "
        f"(ratio {f['ratio']:.2f}, target ≤ 0.7), IoU smoothed vs raw {f['iou_smoothed_vs_raw']:.3f} (target ≥ 0.97)\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=354)
    args = parser.parse_args()
    os.environ.setdefault("MATTEBOX_HOME", tempfile.mkdtemp(prefix="mattebox-bench-"))
    ensure_selfie_models()
    result = {"accuracy": accuracy(args.frames), "flicker": flicker()}
    write_result(NAME, result)
    print(report_section())


if __name__ == "__main__":
    main()
