"""Run every benchmark and write benchmarks/REPORT.md and benchmarks/REPORT.png, in one command.

    python benchmarks/run.py                 # run all, then write the report
    python benchmarks/run.py --only pipeline_speed,memory
    python benchmarks/run.py --report-only   # rebuild the report from benchmarks/out/*.json

Each benchmark runs in its own process (so one's memory or threads do not colour another's) and
writes benchmarks/out/<name>.json; each module's ``report_section()`` turns its JSON into markdown.
Figures are ratios against a baseline measured in the same process, so they survive a noisy machine.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

# (module, extra args) in the order they appear in the report
BENCHMARKS: list[tuple[str, list[str]]] = [
    ("keyer_quality", []),
    ("edge_colour", []),
    ("keyer_speed", []),
    ("pipeline_speed", []),
    ("memory", []),
    ("onnx_quality", []),
    ("onnx_cpu_speed", []),
    ("onnx_gpu", []),
    ("aliyun_faults", []),
    ("aliyun_long_clip", []),
    ("blender_overhead", []),
]


def available() -> list[str]:
    return [name for name, _ in BENCHMARKS if (BENCH / f"{name}.py").exists()]


def run_one(name: str, args: list[str]) -> bool:
    print(f"== {name}", flush=True)
    t0 = time.time()
    proc = subprocess.run([sys.executable, str(BENCH / f"{name}.py"), *args])
    print(f"== {name}: exit {proc.returncode} in {time.time() - t0:.0f} s", flush=True)
    return proc.returncode == 0


def _figures() -> list[tuple[str, float, float, bool]]:
    """(label, measured, target, higher_is_better) for the plot, from the JSON results."""
    from common import read_json

    figs: list[tuple[str, float, float, bool]] = []
    data = read_json("pipeline_speed")
    if data:
        for name, r in data["results"].items():
            figs.append((f"e2e {name} (× bare)", r["ratio"], r["target"], True))
    data = read_json("memory")
    if data and data["cases"]["matte"].get("delta_mb") is not None:
        figs.append(("memory 2000 vs 100 frames (MB)", data["cases"]["matte"]["delta_mb"], 150.0, False))
    for name in ("keyer_quality", "keyer_speed", "onnx_quality", "onnx_cpu_speed", "aliyun_faults", "aliyun_long_clip", "blender_overhead"):
        data = read_json(name)
        for fig in (data or {}).get("figures", []):
            figs.append((fig["label"], float(fig["value"]), float(fig["target"]), fig.get("better", "higher") == "higher"))
    return figs


def plot(path: Path) -> None:
    """A bar per figure, measured against its target line (drawn with OpenCV: no plotting dependency)."""
    import cv2
    import numpy as np

    figs = _figures()
    if not figs:
        return
    row, left, width = 34, 330, 420
    img = np.full((row * len(figs) + 50, left + width + 120, 3), 255, np.uint8)
    cv2.putText(img, "measured vs target (green: target met)", (10, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (0, 0, 0), 1, cv2.LINE_AA)
    for i, (label, value, target, higher) in enumerate(figs):
        y = 40 + i * row
        scale = width / max(abs(value), abs(target), 1e-9) / 1.15
        ok = value >= target if higher else value <= target
        color = (60, 170, 60) if ok else (60, 60, 210)
        cv2.rectangle(img, (left, y + 4), (left + int(max(value, 0) * scale), y + row - 8), color, -1)
        tx = left + int(target * scale)
        cv2.line(img, (tx, y), (tx, y + row - 4), (0, 0, 0), 2)
        cv2.putText(img, label[:44], (8, y + row - 14), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 1, cv2.LINE_AA)
        cv2.putText(img, f"{value:.2f} ({'>=' if higher else '<='} {target:g})", (left + width + 6, y + row - 14),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 1, cv2.LINE_AA)
    cv2.imwrite(str(path), img)


def write_report() -> Path:
    sections = []
    for name, _ in BENCHMARKS:
        if not (BENCH / f"{name}.py").exists():
            continue
        try:
            module = importlib.import_module(name)
            sections.append(module.report_section().strip())
        except Exception as exc:  # one broken section must not lose the others
            sections.append(f"## {name}\n\nreport failed: {type(exc).__name__}: {exc}")
    report = BENCH / "REPORT.md"
    plot(BENCH / "REPORT.png")
    header = (
        "# mattebox benchmark report\n\n"
        "Written by `python benchmarks/run.py` from `benchmarks/out/*.json`. Every speed figure is a ratio\n"
        "against a baseline measured in the same process (these machines are noisy); see each section\n"
        "for the command that reproduces it.\n\n![figures](REPORT.png)\n"
    )
    report.write_text(header + "\n" + "\n\n".join(sections) + "\n")
    return report


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", default=None, help="comma-separated benchmark names")
    p.add_argument("--report-only", action="store_true")
    args = p.parse_args()
    failed = []
    if not args.report_only:
        wanted = set(args.only.split(",")) if args.only else None
        for name, extra in BENCHMARKS:
            if (wanted is None or name in wanted) and (BENCH / f"{name}.py").exists():
                if not run_one(name, extra):
                    failed.append(name)
    print(f"report: {write_report()}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
