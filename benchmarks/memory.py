"""Peak memory of a long job vs a short one: streaming must keep memory flat.

Runs `mattebox run greenscreen` on 1080p clips of 100 and 2000 frames (the real green-screen clip
scaled and looped) in fresh processes and compares their peak RSS. Target: the 2000-frame job
within +150 MB of the 100-frame job.

    python benchmarks/memory.py [--long 2000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import machine, read_json, upscaled_walker, write_json  # noqa: E402

NAME = "memory"


def peak_rss_mb(src: str, out: str, kind: str) -> float:
    cmd = [sys.executable, "-m", "mattebox.cli.main", "run", "greenscreen", src, "-o", out, "--output", kind, "--overwrite", "--progress", "none"]
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"mattebox failed: {cmd}")
    return usage.ru_maxrss / 1024.0  # Linux: kilobytes


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--short", type=int, default=100)
    p.add_argument("--long", type=int, default=2000)
    args = p.parse_args()
    short, long_ = upscaled_walker(args.short), upscaled_walker(args.long)
    result = {"machine": machine(), "short_frames": args.short, "long_frames": args.long, "cases": {}}
    with tempfile.TemporaryDirectory() as d:
        for kind, ext in (("matte", "mkv"), ("keyed", "mov")):
            a = peak_rss_mb(short, f"{d}/s.{ext}", kind)
            b = peak_rss_mb(long_, f"{d}/l.{ext}", kind) if kind == "matte" else None
            result["cases"][kind] = {"short_mb": a, "long_mb": b, "delta_mb": None if b is None else b - a}
    write_json(NAME, result)
    print(report_section())


def report_section() -> str:
    data = read_json(NAME)
    if not data:
        return "## Memory\n\nnot measured yet: `python benchmarks/memory.py`\n"
    m = data["cases"]["matte"]
    ok = "✅" if m["delta_mb"] <= 150 else "❌"
    keyed = data["cases"].get("keyed", {})
    return (
        "## Memory (peak RSS, 1080p, fresh process per job)\n\n"
        f"| job | {data['short_frames']} frames | {data['long_frames']} frames | difference | target |\n|---|---|---|---|---|\n"
        f"| greenscreen → FFV1 matte | {m['short_mb']:.0f} MB | {m['long_mb']:.0f} MB | **{m['delta_mb']:+.0f} MB** {ok} | ≤ +150 MB |\n"
        + (f"| greenscreen → ProRes 4444 keyed | {keyed['short_mb']:.0f} MB | | | |\n" if keyed else "")
        + f"\n({data['machine']}; {data['measured_at']})\n"
    )


if __name__ == "__main__":
    main()
