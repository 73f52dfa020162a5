"""GPU speed of the ONNX backend: model-only throughput by batch size, and ``body`` end to end at 1080p
and 4K with the time of every stage, to say which stage bounds the pipeline.

1. Model only (selfie model, 256x256, CUDA provider, IO binding with the input and output resident
   on the device): images/s at batch 1, 2, 4 … 64 and the gain over batch 1 (``--tensorrt`` adds
   the TensorRT provider; building its engines takes minutes).
2. End to end, per resolution (the real walker clip scaled to 1920x1080 and 3840x2160, H.264):
   each stage timed on its own over the same frames — decode (PyAV, codec threads on), colour
   conversion (decoded Y'CbCr planes to the model's RGB input), host-to-device and device-to-host
   copies of a batch, the model on a batch, the processor's post-processing on the CPU (crop
   following, merge, smoothing, guided upsampling), and encode (the matte as FFV1 gray) — then
   ``mattebox.api.run("body", …, provider cuda)`` with decode, processing and encode overlapped,
   and the same on the CPU provider of that machine. The pipeline runs decode, processing and
   encode in three threads, so the slowest of the three bounds it.

Without a working CUDA provider nothing is measured: the JSON and the report say
"not measured: no CUDA provider" with the reason, and the script exits 0.

Needs on the GPU machine (gpu.md): onnxruntime-gpu (``preload_dlls`` finds the pip CUDA
libraries), PyAV, OpenCV, numpy, pluggy, platformdirs and this repository (imported from
``core/`` and ``plugins/`` when mattebox is not installed), and the installed selfie model:
``--models DIR``, a models folder as ``mattebox models install selfie`` makes it (copied from a
machine with network), or the usual model stores.

Run: ``python benchmarks/onnx_gpu.py [--frames 120] [--models DIR] [--tensorrt]``; writes ``benchmarks/out/onnx_gpu.json``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    import mattebox  # noqa: F401
except ImportError:  # a bare checkout on the GPU machine: import the packages from the tree
    sys.path[1:1] = [str(REPO / "core"), str(REPO / "plugins")]

import numpy as np
from onnx_common import read_result, shared_clip, upscaled_clip, write_result

NAME = "onnx_gpu"
BATCHES = (1, 2, 4, 8, 16, 32, 64)
SIZES = {"1080p": (1920, 1080), "4K": (3840, 2160)}


def _model_path(models: str | None) -> Path:
    """The installed selfie model's file, from ``models`` (a models folder) or the usual stores."""
    from mattebox_onnx.store import ModelStore

    if models:
        os.environ["MATTEBOX_MODEL_PATH"] = str(Path(models).resolve())
    else:
        from onnx_common import ensure_selfie_models

        try:
            ensure_selfie_models()
        except Exception as exc:  # no network on the GPU machine: a store must already hold it
            print(f"selfie model not installable here ({exc}); looking in the model stores", file=sys.stderr)
    return Path(ModelStore().verify("selfie-general").path)


def _cuda_session(model: Path, provider: str = "cuda"):
    """The model opened on ``provider``, or the one-line reason it cannot be."""
    from mattebox_onnx.errors import ProviderError
    from mattebox_onnx.providers import open_session

    try:
        return open_session(model, provider), None
    except ProviderError as exc:
        return None, exc.message


def _timed_runs(fn, min_seconds: float = 1.0, min_runs: int = 10) -> float:
    """Median seconds per call of ``fn`` after warming up."""
    for _ in range(3):
        fn()
    times, start = [], time.perf_counter()
    while len(times) < min_runs or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def model_sweep(opened) -> dict:
    """Images/s at each batch size with IO binding, input and output on the device."""
    import onnxruntime as ort

    session = opened.session
    inp, out = session.get_inputs()[0], session.get_outputs()[0]
    rows = []
    for batch in BATCHES:
        x = np.random.default_rng(0).random((batch, 256, 256, 3), dtype=np.float32)
        binding = session.io_binding()
        binding.bind_ortvalue_input(inp.name, ort.OrtValue.ortvalue_from_numpy(x, opened.device, 0))
        binding.bind_output(out.name, opened.device)
        seconds = _timed_runs(lambda b=binding: session.run_with_iobinding(b))
        rows.append({"batch": batch, "ms_per_run": seconds * 1e3, "images_per_s": batch / seconds})
    base = rows[0]["images_per_s"]
    for row in rows:
        row["vs_batch_1"] = row["images_per_s"] / base
    return {"provider": opened.provider, "rows": rows}


def _frames(clip: Path, count: int) -> list:
    import av
    from mattebox.media.color import ColorInfo
    from mattebox.media.frame import Frame

    frames = []
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for i, f in enumerate(container.decode(stream)):
            if i >= count:
                break
            frames.append(Frame(i, float(f.time or 0.0), f, ColorInfo.from_av(f.colorspace, f.color_range, f.height)))
    return frames


def _decode_fps(clip: Path, count: int) -> float:
    t0 = time.perf_counter()
    frames = _frames(clip, count)
    for frame in frames:
        frame.ycbcr420()
    return len(frames) / (time.perf_counter() - t0)


def _encode_fps(mattes: list[np.ndarray], tmp: Path) -> float:
    import av
    from mattebox.media.color import ColorInfo
    from mattebox.media.planes import gray_frame

    h, w = mattes[0].shape
    t0 = time.perf_counter()
    with av.open(str(tmp / "enc.mkv"), "w") as out:
        stream = out.add_stream("ffv1", rate=30)
        stream.width, stream.height, stream.pix_fmt, stream.thread_type = w, h, "gray", "AUTO"
        stream.options = {"level": "3", "slicecrc": "0"}
        for alpha in mattes:
            for packet in stream.encode(gray_frame(alpha, "gray", ColorInfo())):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return len(mattes) / (time.perf_counter() - t0)


def stages(clip: Path, count: int, tmp: Path) -> dict:
    """Each stage on its own over the same frames, then the overlapped pipeline on CUDA and on the CPU."""
    import onnxruntime as ort
    from mattebox import api
    from mattebox_onnx.processor import OnnxProcessor, Settings
    from mattebox_onnx.store import ModelStore

    frames = _frames(clip, count)
    proc = OnnxProcessor(ModelStore().get("selfie-general"), Settings(provider="cuda"))
    proc.prepare()
    batch = proc.batch_size
    spent = {"colour": 0.0, "model_calls": 0.0}
    inputs, run = proc._model_inputs, proc.runner.run

    def timed_inputs(*a, **k):
        t0 = time.perf_counter()
        r = inputs(*a, **k)
        spent["colour"] += time.perf_counter() - t0
        return r

    def timed_run(*a, **k):
        t0 = time.perf_counter()
        r = run(*a, **k)
        spent["model_calls"] += time.perf_counter() - t0
        return r

    proc._model_inputs, proc.runner.run = timed_inputs, timed_run
    proc.process(frames[:batch])  # warm-up (cuDNN autotuning, arenas)
    spent.update(colour=0.0, model_calls=0.0)
    t0 = time.perf_counter()
    mattes = []
    for start in range(0, len(frames), batch):
        mattes.extend(r.alpha for r in proc.process(frames[start : start + batch]))
    processor_s = time.perf_counter() - t0
    n = len(frames)
    # copies and the model alone, on one batch of model inputs
    x = np.stack([inputs(f, None) for f in frames[:batch]])
    session, device = proc.runner.session, proc.runner.opened.device
    h2d = _timed_runs(lambda: ort.OrtValue.ortvalue_from_numpy(x, device, 0))
    binding = session.io_binding()
    binding.bind_ortvalue_input(session.get_inputs()[0].name, ort.OrtValue.ortvalue_from_numpy(x, device, 0))
    binding.bind_output(session.get_outputs()[0].name, device)
    model_s = _timed_runs(lambda: session.run_with_iobinding(binding))
    on_device = binding.get_outputs()[0]
    d2h = _timed_runs(lambda: on_device.numpy())
    images_per_frame = (proc.stats["whole_frame"] + proc.stats["crops"] + proc.stats["refetches"]) / max(1, proc.stats["frames"])
    per_frame = {  # ms per frame
        "decode": 1e3 / _decode_fps(clip, count),
        "colour_conversion": spent["colour"] / n * 1e3,
        "h2d": h2d / batch * images_per_frame * 1e3,
        "model": model_s / batch * images_per_frame * 1e3,
        "d2h": d2h / batch * images_per_frame * 1e3,
        "post_process": (processor_s - spent["colour"] - spent["model_calls"]) / n * 1e3,
        "encode": 1e3 / _encode_fps(mattes, tmp),
    }
    threads = {"decode thread": per_frame["decode"], "encode thread": per_frame["encode"],
               "processing thread": processor_s / n * 1e3}
    e2e = {}
    for provider in ("cuda", "cpu"):
        t0 = time.perf_counter()
        api.run("body", clip, tmp / f"body_{provider}.mkv", backend="onnx", frames=(0, n - 1), overwrite=True,
                options={"provider": provider})
        e2e[provider] = n / (time.perf_counter() - t0)
    return {"frames": n, "batch": batch, "model_images_per_frame": images_per_frame, "stage_ms_per_frame": per_frame,
            "thread_ms_per_frame": threads, "bound_by": max(threads, key=threads.get), "e2e_fps": e2e}


def measure(args: argparse.Namespace) -> dict:
    import onnxruntime as ort

    result: dict = {"onnxruntime": ort.__version__, "frames": args.frames}
    try:
        model = _model_path(args.models)
    except Exception as exc:
        result["status"] = f"not measured: no selfie model ({exc}; pass --models DIR)"
        return result
    opened, reason = _cuda_session(model)
    if opened is None:
        result["status"] = f"not measured: no CUDA provider ({reason})"
        return result
    result["status"] = "measured"
    result["device"] = _gpu_name()
    result["model_only"] = {"cuda": model_sweep(opened)}
    if args.tensorrt:
        trt, why = _cuda_session(model, "tensorrt")
        result["model_only"]["tensorrt"] = model_sweep(trt) if trt is not None else f"not measured: {why}"
    else:
        result["model_only"]["tensorrt"] = "not measured: run with --tensorrt (engine builds take minutes)"
    try:
        import av  # noqa: F401
    except ImportError:
        result["end_to_end"] = "not measured: PyAV is not installed"
        return result
    result["end_to_end"] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, size in SIZES.items():
            clip = upscaled_clip(shared_clip("greenscreen_walker.mp4"), Path(tmp) / f"walker_{label}.mp4", size, args.frames)
            result["end_to_end"][label] = stages(clip, args.frames, Path(tmp))
    return result


def _gpu_name() -> str:
    try:
        import subprocess

        out = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader"], capture_output=True,
                             text=True, timeout=20, check=False)
        return out.stdout.strip() or "unknown GPU"
    except Exception:
        return "unknown GPU"


def report_section() -> str:
    r = read_result(NAME)
    head = "### ONNX backend on a GPU\n"
    if r is None:
        return head + "not run: `python benchmarks/onnx_gpu.py`\n"
    if r.get("status") != "measured":
        return head + f"- {r.get('status', 'not measured')}\n- Command: `python benchmarks/onnx_gpu.py`\n"
    lines = [head, f"- {r['device']}, onnxruntime {r['onnxruntime']}"]
    for provider, sweep in r["model_only"].items():
        if isinstance(sweep, str):
            lines.append(f"- model only, {provider}: {sweep}")
            continue
        cells = ", ".join(f"b{row['batch']} {row['images_per_s']:.0f}/s ({row['vs_batch_1']:.1f}x)" for row in sweep["rows"])
        lines.append(f"- model only, {provider} (selfie 256x256, IO binding): {cells}")
    e2e = r.get("end_to_end")
    if isinstance(e2e, str):
        lines.append(f"- end to end: {e2e}")
    else:
        for label, s in e2e.items():
            st = s["stage_ms_per_frame"]
            stages_text = ", ".join(f"{k.replace('_', ' ')} {v:.2f}" for k, v in st.items())
            lines.append(f"- {label}, {s['frames']} frames: body end to end {s['e2e_fps']['cuda']:.1f} f/s on CUDA "
                         f"({s['e2e_fps']['cpu']:.1f} f/s on that machine's CPU); ms/frame by stage: {stages_text}; "
                         f"bounded by the {s['bound_by']} ({s['thread_ms_per_frame'][s['bound_by']]:.2f} ms/frame)")
    lines.append("- Command: `python benchmarks/onnx_gpu.py --frames 120`")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--models", default=None, help="a models folder holding selfie-general (default: the model stores)")
    parser.add_argument("--tensorrt", action="store_true", help="also sweep the TensorRT provider")
    args = parser.parse_args()
    os.environ.setdefault("MATTEBOX_HOME", tempfile.mkdtemp(prefix="mattebox-bench-"))
    write_result(NAME, measure(args))
    print(report_section())
    return 0


if __name__ == "__main__":
    sys.exit(main())
