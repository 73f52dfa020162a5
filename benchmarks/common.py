"""Shared helpers for the benchmarks: derived clips (cached), timing, results files.

Benchmarks report ratios against a baseline measured in the same process, interleaved with the
measured runs (these machines are noisy); each figure is the median of its repetitions.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import time
from fractions import Fraction
from pathlib import Path
from typing import Callable

import av

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
REPO = BENCH.parent


def shared_data() -> Path:
    env = os.environ.get("MATTEBOX_TESTDATA_DIR")
    path = Path(env) if env else REPO.parent / "shared" / "data"
    if not path.is_dir():
        raise SystemExit(f"real clips not found at {path} (set MATTEBOX_TESTDATA_DIR)")
    return path


def out_dir() -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    return OUT


def upscaled_walker(frames: int, width: int = 1920, height: int = 1080, *, crf: int = 18) -> str:
    """The real green-screen clip scaled to ``width``×``height``, looped to ``frames`` frames (H.264, cached)."""
    path = out_dir() / f"walker_{width}x{height}_{frames}f.mp4"
    if path.exists():
        return str(path)
    src = shared_data() / "greenscreen_walker.mp4"
    tmp = path.with_suffix(".tmp.mp4")
    with av.open(str(tmp), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "fast", "crf": str(crf)}
        cc = stream.codec_context
        cc.colorspace, cc.color_range, cc.color_primaries, cc.color_trc = 1, 1, 1, 1
        n = 0
        while n < frames:
            with av.open(str(src)) as inp:
                for f in inp.decode(video=0):
                    if n >= frames:
                        break
                    g = f.reformat(width=width, height=height, interpolation="BICUBIC")
                    g.pts, g.time_base = n, Fraction(1, 30)
                    for p in stream.encode(g):
                        out.mux(p)
                    n += 1
        for p in stream.encode(None):
            out.mux(p)
    tmp.rename(path)
    return str(path)


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn: Callable[[], int]) -> tuple[float, float]:
    """Run ``fn`` (returning a frame count); returns (frames/s, CPU ms per frame)."""
    t0, c0 = time.perf_counter(), cpu_seconds()
    n = fn()
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    return n / wall, cpu / max(n, 1) * 1000


def median(values: list[float]) -> float:
    return statistics.median(values)


def write_json(name: str, data: dict) -> Path:
    path = out_dir() / f"{name}.json"
    data = dict(data)
    data.setdefault("measured_at", time.strftime("%Y-%m-%d %H:%M:%S"))
    path.write_text(json.dumps(data, indent=1))
    return path


def read_json(name: str) -> dict | None:
    path = OUT / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def machine() -> str:
    import platform

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, PyAV {av.__version__}"
