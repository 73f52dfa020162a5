"""``mattebox demo``: make a synthetic green-screen clip and key it — the README's first command."""

from __future__ import annotations

import argparse
import os
import sys

__all__ = ["add_parser"]


def cmd_demo(args: argparse.Namespace) -> int:
    from .. import api
    from ..synthetic import make_greenscreen_clip
    from .preview import make_contact_sheet
    from .progress import make_reporter

    out = os.path.abspath(args.output_dir)
    os.makedirs(out, exist_ok=True)
    clip = os.path.join(out, "demo_greenscreen.mp4")
    print(f"making a synthetic green-screen clip: {clip}", file=sys.stderr)
    make_greenscreen_clip(clip, width=args.width, height=args.height, frames=args.frames, seed=args.seed)
    progress = args.progress or ("bar" if sys.stderr.isatty() else "none")
    keyed = os.path.join(out, "demo_keyed.mov")
    job = api.run("greenscreen", clip, keyed, kind="keyed", overwrite=True, observers=[make_reporter(progress)])
    sheet = make_contact_sheet("greenscreen", clip, os.path.join(out, "demo_preview.png"))
    print(f"keyed layer (ProRes 4444 with alpha): {keyed}  [job {job.id}]")
    print(f"contact sheet (source | matte | composite): {sheet}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="make a synthetic green-screen clip and key it (no account, no GPU)")
    p.add_argument("--output-dir", default="mattebox-demo", help="where to write the clip and results")
    p.add_argument("--width", type=int, default=1280)
    p.add_argument("--height", type=int, default=720)
    p.add_argument("--frames", type=int, default=48)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--progress", default=None, choices=("bar", "json", "none"))
    p.set_defaults(func=cmd_demo)
