"""CPU speed of ``body`` end to end at 1080p against decode + encode alone, measured in the same run.

The 1080p clip is real footage (``greenscreen_walker.mp4`` resized to 1920x1080, H.264). The
baseline decodes the clip and encodes its frames (luma, as gray) into the same output format with
PyAV in a plain loop, codec threads on — what "decode + encode alone" costs. The measured run is
``mattebox.api.run("body", ...)`` with the onnx backend's defaults (selfie model, crop pass, guided
upsampling, smoothing). For reference, the runtime's own pipeline is also timed with a backend
that answers every frame with a ready-made empty matte (decode and encode overlapped in threads,
and an all-zero matte that FFV1 compresses for free). Target: body ≥ 0.7 × the baseline. The runs
alternate ``--repeat`` times; the ratio is the median of the per-round ratios.

Run: ``python benchmarks/onnx_cpu_speed.py [--frames 120] [--output .mkv]``; writes ``benchmarks/out/onnx_cpu_speed.json``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from onnx_common import ensure_selfie_models, read_result, shared_clip, upscaled_clip, write_result  # noqa: E402

NAME = "onnx_cpu_speed"


class _EmptyMatteBackend:
    """Decode + encode alone: every frame gets the same preallocated empty matte."""

    name = "empty"
    description = "baseline: no segmentation"

    def tasks(self):
        from mattebox.backend import TaskSupport
        from mattebox.tasks import Task

        return {Task.BODY: TaskSupport(True)}

    def limits(self, task):
        from mattebox.limits import Limits

        return Limits()

    def options(self, task):
        return []

    def create(self, task, options, context):
        from mattebox.backend import MatteResult

        video = context.source.video
        alpha = np.zeros((video.height, video.width), np.float32)

        class _Proc:
            batch_size = 4

            def prepare(self):
                return None

            def process(self, frames):
                return [MatteResult(alpha) for _ in frames]

            def finish(self):
                return []

            def close(self):
                return None

        return _Proc()


class _Plugin:
    from mattebox import hookimpl

    @hookimpl
    def mattebox_backends(self):
        return [_EmptyMatteBackend()]


def _time(backend: str, clip: Path, out: Path, registry) -> float:
    from mattebox import api

    start = time.perf_counter()
    job = api.run("body", clip, out, backend=backend, overwrite=True, registry=registry, options={})
    elapsed = time.perf_counter() - start
    return job.frames_total / elapsed if elapsed else 0.0


def report_section() -> str:
    r = read_result(NAME)
    if r is None:
        return "### ONNX CPU speed\n(not run: `python benchmarks/onnx_cpu_speed.py`)\n"
    ok = "✅" if r["ratio"] >= 0.7 else "❌"
    return (
        "### ONNX backend CPU speed (1080p, end to end)\n"
        f"- {r['frames']} frames 1920x1080 → {r['output']} matte, {r['cpus']} CPUs: decode + encode alone "
        f"{r['baseline_fps']:.1f} f/s, body (selfie, defaults) {r['body_fps']:.1f} f/s → **ratio {r['ratio']:.2f}** {ok} "
        f"(target ≥ 0.7; median of {len(r['runs']['body'])} interleaved rounds)\n"
        f"- the runtime's pipeline with an empty matte (decode/encode overlapped, nothing to segment): "
        f"{r.get('empty_fps', float('nan')):.1f} f/s\n"
        "- GPU figures: see the GPU section (`benchmarks/onnx_gpu.py`)\n"
        "- Command: `python benchmarks/onnx_cpu_speed.py --frames 120 --repeat 3`\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--output", default=".mkv", help="output extension (matte formats: .mkv FFV1, .mov ProRes, .mp4 H.264)")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("MATTEBOX_HOME", tempfile.mkdtemp(prefix="mattebox-bench-"))
    ensure_selfie_models()
    from mattebox.plugins import get_plugin_manager, get_registry

    from pipeline_speed import bare

    fmt = {".mkv": ("ffv1", "gray", "matroska", {"level": "3"}), ".mov": ("prores_ks", "yuv422p10le", "mov", {"profile": "3"}),
           ".mp4": ("libx264", "yuv420p", "mp4", {"preset": "fast", "crf": "12"})}[args.output]
    registry = get_registry(get_plugin_manager(plugins=[_Plugin()]))
    with tempfile.TemporaryDirectory() as tmp:
        clip = upscaled_clip(shared_clip("greenscreen_walker.mp4"), Path(tmp) / "walker1080.mp4", (1920, 1080), args.frames)
        base, body, empty = [], [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            n = bare(str(clip), args.frames, fmt[0], fmt[1], fmt[2], fmt[3], str(Path(tmp) / f"bare{args.output}"))
            base.append(n / (time.perf_counter() - t0))
            body.append(_time("onnx", clip, Path(tmp) / f"body{args.output}", registry))
            empty.append(_time("empty", clip, Path(tmp) / f"empty{args.output}", registry))
    ratios = sorted(b / a for a, b in zip(base, body))
    median = lambda v: sorted(v)[len(v) // 2]  # noqa: E731
    result = {"frames": args.frames, "output": args.output, "cpus": os.cpu_count(), "baseline_fps": median(base),
              "body_fps": median(body), "empty_fps": median(empty), "ratio": ratios[len(ratios) // 2],
              "runs": {"baseline": base, "body": body, "empty": empty},
              "figures": [{"label": "onnx body 1080p CPU (x bare)", "value": ratios[len(ratios) // 2], "target": 0.7}]}
    write_result(NAME, result)
    print(report_section())


if __name__ == "__main__":
    main()
