"""Long clips through the cloud backend: a 10,000-frame clip (5 requests of 2000 frames) against one chunk.

The emulator (a real HTTP server on 127.0.0.1) gives every request a fixed processing time
(``--processing`` seconds, the same for a 2000-frame request whatever the machine) and runs the
model-free luma engine, so the figure measures the backend: planning, frame-exact cutting, uploads,
bounded-parallel submission, polling, downloads and stitching. Both runs go through
``mattebox.api.run`` end to end (decode → backend → matte written), alternating ``--repeat`` times:

- one chunk: the clip's first 2000 frames (one request);
- five chunks: all 10,000 frames (five requests).

Target: five chunks' wall time ≤ 1.5 × one chunk's. The output is also checked frame by frame (each
mask shows its source frame's index), so a fast but misaligned stitch would not count.

Run: ``python benchmarks/aliyun_long_clip.py [--processing 20] [--repeat 1]``;
writes ``benchmarks/out/aliyun_long_clip.json``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "tests"))  # media_factory: clips whose frames show their index

from common import machine, read_json, write_json  # noqa: E402

NAME = "aliyun_long_clip"
KEY_ID, SECRET = "LTAI5tBenchmarkKey", "benchmark-secret-not-logged"
FRAMES, CHUNK = 10_000, 2000


def _indices_ok(path: str, frames: int) -> bool:
    import av
    import numpy as np
    from media_factory import read_index

    with av.open(path) as c:
        got = [read_index(np.repeat(f.to_ndarray(format="gray")[..., None], 3, axis=2)) for f in c.decode(video=0)]
    return got == [i % 256 for i in range(frames)]


def run(processing_s: float, repeat: int, width: int, height: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="aliyun-long-") as tmp:
        return _run(Path(tmp), processing_s, repeat, width, height)


def _run(work: Path, processing_s: float, repeat: int, width: int, height: int) -> dict:
    from media_factory import make_clip

    from mattebox import api
    from mattebox.plugins import get_registry
    from mattebox_aliyun.emulator import Account, Emulator, EmulatorConfig
    from mattebox_aliyun.emulator.engine import LumaEngine

    os.environ["MATTEBOX_HOME"] = str(work / "home")
    long_clip = make_clip(str(work / "long.mp4"), frames=FRAMES, width=width, height=height, rate=25)
    one_clip = make_clip(str(work / "one.mp4"), frames=CHUNK, width=width, height=height, rate=25)
    config = EmulatorConfig(accounts=[Account(KEY_ID, SECRET)], workers=5, processing_s=processing_s, engine=LumaEngine(),
                            workdir=str(work / "emulator"))
    registry = get_registry()
    one, five, aligned = [], [], True
    with Emulator(config) as emu:
        os.environ.update(ALIBABA_CLOUD_ACCESS_KEY_ID=KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET=SECRET, MATTEBOX_ALIYUN_ENDPOINT=emu.url)
        for r in range(repeat):
            for label, clip, frames, times in (("one", one_clip, CHUNK, one), ("five", long_clip, FRAMES, five)):
                out = work / f"{label}{r}.mkv"
                t0 = time.perf_counter()
                job = api.run("body", clip, out, backend="aliyun", registry=registry, options={"parallel": "5"})
                times.append(time.perf_counter() - t0)
                aligned &= _indices_ok(str(out), frames) and len(job.remote["chunks"]) == frames // CHUNK
        stats = emu.stats()
    t1, t5 = min(one), min(five)
    result = {
        "frames": FRAMES, "chunk_frames": CHUNK, "size": [width, height], "processing_s": processing_s, "repeat": repeat,
        "one_chunk_s": [round(t, 2) for t in one], "five_chunks_s": [round(t, 2) for t in five],
        "ratio": round(t5 / t1, 3), "ratio_to_processing": round(t5 / processing_s, 3), "frame_exact": aligned,
        "submissions": sum(stats["submissions"].values()), "machine": machine(),
        "figures": [{"label": "cloud: 10k frames (5 chunks) / one chunk", "value": round(t5 / t1, 3), "target": 1.5, "better": "lower"}],
    }
    write_json(NAME, result)
    return result


def report_section() -> str:
    r = read_json(NAME)
    if r is None:
        return "### Cloud backend, long clips\nnot measured yet: `python benchmarks/aliyun_long_clip.py`\n"
    return (
        "### Cloud backend, long clips (emulator)\n"
        f"- {r['frames']} frames {r['size'][0]}x{r['size'][1]} = 5 requests of {r['chunk_frames']}, each processed for "
        f"{r['processing_s']:g} s by the emulator: {min(r['five_chunks_s']):.1f} s end to end vs {min(r['one_chunk_s']):.1f} s "
        f"for one {r['chunk_frames']}-frame chunk → ratio {r['ratio']:.2f} (target ≤ 1.5); "
        f"{r['ratio_to_processing']:.2f}× one request's processing time\n"
        f"- every output frame shows its own source frame: {'yes' if r['frame_exact'] else 'NO'}; "
        f"{r['submissions']} submissions for {r['repeat'] * 6} requests\n"
        f"- `python benchmarks/aliyun_long_clip.py --processing {r['processing_s']:g} --repeat {r['repeat']}` ({r['machine']})\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processing", type=float, default=20.0, help="seconds the emulator spends on each request")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--width", type=int, default=96)
    parser.add_argument("--height", type=int, default=64)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    run(args.processing, args.repeat, args.width, args.height)
    print(report_section())


if __name__ == "__main__":
    main()
