"""Keyer speed on 1080p H.264: mattebox's keyer alone vs FFmpeg's ``chromakey,despill``, same process.

Both get the same decoded frames (PyAV, yuv420p, decoded once beforehand): FFmpeg through an
in-process filter graph (``buffer → chromakey → despill → buffersink``, as ``ffmpeg -vf`` runs it),
mattebox through its processor (Frame in → MatteResult out: full-resolution float matte and the
despilled RGB foreground, every colour conversion included), fed in batches of its batch size as
the pipeline feeds it. Alone on the machine, like FFmpeg's filter here, the processor keys with a
worker per usable CPU (frames of a batch keyed concurrently); inside a job it leaves one core to
the decoder and encoder (``job_workers``, measured end to end by ``pipeline_speed.py``). Runs are interleaved and repeated;
the figure is the median ratio of frames per second. CPU ms per frame (all threads, from
getrusage) is the single-threaded equivalent cost.

Clips: the real ``greenscreen_walker.mp4`` upscaled to 1080p, and a synthetic 1080p clip (hair,
blur, a scarf: more soft edges to refine).

Run: ``python benchmarks/keyer_speed.py [--frames N] [--repeats R]``; writes ``benchmarks/out/keyer_speed.json``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import av
from mattebox.allocator import tune_allocator

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from anchors.ffmpeg_chromakey import chromakey_graph  # noqa: E402
from common import machine, median, out_dir, read_json, timed, upscaled_walker, write_json  # noqa: E402

NAME = "keyer_speed"
TARGET_RATIO = 4.0
TARGET_CPU_MS = 12.0


def synthetic_1080p(frames: int) -> str:
    from mattebox.synthetic import make_greenscreen_clip

    path = out_dir() / f"keyer_speed_synthetic_1080p_{frames}f.mp4"
    if not path.exists():
        tmp = out_dir() / "keyer_speed_tmp.mp4"
        make_greenscreen_clip(tmp, width=1920, height=1080, frames=frames, seed=4)
        os.replace(tmp, path)
    return str(path)


def decode(path: str, frames: int) -> list[av.VideoFrame]:
    with av.open(path) as c:
        c.streams.video[0].thread_type = "AUTO"
        out = []
        for f in c.decode(video=0):
            out.append(f)
            if len(out) == frames:
                break
    return out


def ffmpeg_run(frames: list[av.VideoFrame], screen_hex: str) -> int:
    graph = chromakey_graph(
        frames[0],
        {"color": screen_hex, "similarity": 0.1, "blend": 0.05, "yuv": 0},
        despill=True,
        output_format=None,
    )
    for i, f in enumerate(frames):
        f.pts = i
        graph.push(f)
        graph.pull()
    return len(frames)


def keyer_run(frames: list[av.VideoFrame]) -> int:
    """Key ``frames`` as the pipeline feeds them: batches of the processor's batch size."""
    from mattebox.media.color import ColorInfo
    from mattebox.media.frame import Frame
    from mattebox_keyer.processor import KeyerProcessor

    proc = KeyerProcessor()
    n = 0
    for start in range(0, len(frames), proc.batch_size):
        batch = [
            Frame(i, 0.0, f, ColorInfo.from_av(f.colorspace, f.color_range, f.height))  # fresh: no cached planes
            for i, f in enumerate(frames[start : start + proc.batch_size], start=start)
        ]
        n += len(proc.process(batch))
    n += len(proc.finish())
    proc.close()
    return n


def measure(path: str, frames: int, repeats: int) -> dict:
    decoded = decode(path, frames)
    keyer_run(decoded[:3])  # warm-up (imports, allocations)
    ffmpeg_run(decoded[:3], "0x26A848")
    ff, ky, ff_cpu, ky_cpu, ratios = [], [], [], [], []
    for _ in range(repeats):
        fps_f, cpu_f = timed(lambda: ffmpeg_run(decoded, "0x26A848"))
        fps_k, cpu_k = timed(lambda: keyer_run(decoded))
        ff.append(fps_f), ky.append(fps_k), ff_cpu.append(cpu_f), ky_cpu.append(cpu_k), ratios.append(fps_k / fps_f)
    return {
        "clip": os.path.basename(path),
        "frames": len(decoded),
        "size": f"{decoded[0].width}x{decoded[0].height}",
        "ffmpeg_fps": round(median(ff), 2),
        "ffmpeg_cpu_ms": round(median(ff_cpu), 2),
        "keyer_fps": round(median(ky), 2),
        "keyer_cpu_ms": round(median(ky_cpu), 2),
        "ratio": round(median(ratios), 2),
        "ratios": [round(r, 2) for r in ratios],
    }


def report_section() -> str:
    data = read_json(NAME)
    if not data:
        return "### Keyer speed\n(not run: `python benchmarks/keyer_speed.py`)\n"
    lines = [
        "### Keyer speed (1080p H.264, decoded frames in; keyer alone vs FFmpeg chromakey,despill in the same process)",
        "",
        f"Target: keyer ≥ {TARGET_RATIO:g}× FFmpeg's frames/s; ≤ ~{TARGET_CPU_MS:g} CPU-ms per frame (all threads).",
        "",
        "| clip | FFmpeg fps (CPU ms/frame) | keyer fps (CPU ms/frame) | ratio (median of runs) |",
        "|---|---|---|---|",
    ]
    for r in data["results"]:
        ok = "✅" if r["ratio"] >= TARGET_RATIO else "❌"
        lines.append(
            f"| {r['clip']} | {r['ffmpeg_fps']} ({r['ffmpeg_cpu_ms']}) | {r['keyer_fps']} ({r['keyer_cpu_ms']}) | "
            f"{r['ratio']}× {ok} (runs: {', '.join(map(str, r['ratios']))}) |"
        )
    lines += [
        "",
        f"Command: `python benchmarks/keyer_speed.py --frames {data['frames']} --repeats {data['repeats']}`; "
        f"{data['machine']}",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    tune_allocator()  # as the `mattebox` command tunes its process (both sides of each ratio run in it)
    os.environ.setdefault("MATTEBOX_HOME", tempfile.mkdtemp(prefix="mattebox-bench-"))
    results = [
        measure(upscaled_walker(args.frames), args.frames, args.repeats),
        measure(synthetic_1080p(args.frames), args.frames, args.repeats),
    ]
    figures = [
        {
            "label": f"keyer fps / FFmpeg chromakey,despill ({r['clip']})",
            "value": r["ratio"],
            "target": TARGET_RATIO,
            "better": "higher",
        }
        for r in results
    ]
    figures += [
        {
            "label": f"keyer CPU ms per 1080p frame ({r['clip']})",
            "value": r["keyer_cpu_ms"],
            "target": TARGET_CPU_MS,
            "better": "lower",
        }
        for r in results
    ]
    write_json(
        NAME,
        {"results": results, "figures": figures, "frames": args.frames, "repeats": args.repeats, "machine": machine()},
    )
    print(report_section())


if __name__ == "__main__":
    main()
