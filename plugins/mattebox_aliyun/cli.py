"""``mattebox aliyun estimate``: what a cloud job would upload and cost, without any network call."""

from __future__ import annotations

import argparse
import json

__all__ = ["add_aliyun_command"]


def add_aliyun_command(subparsers: argparse._SubParsersAction) -> None:
    aliyun = subparsers.add_parser("aliyun", help="the Alibaba Cloud backend's own commands")
    asub = aliyun.add_subparsers(dest="aliyun_command", metavar="ACTION")
    p = asub.add_parser("estimate", help="the requests and the charge a cloud job would make (offline)",
                        description="Plan a cloud job like `mattebox run TASK INPUT --backend aliyun` would, and print what "
                                    "would be uploaded and the estimated charge. Nothing is uploaded or submitted.")
    p.add_argument("task", help="body, halfbody or greenscreen")
    p.add_argument("input", help="the source clip")
    p.add_argument("--frames", default=None, metavar="A-B", help="source frames A to B (0-based, inclusive)")
    p.add_argument("--fit", action="store_true", help="plan as with --fit yes (remux/re-encode/downscale to the limits)")
    p.add_argument("--json", action="store_true", help="JSON output (for hosts)")
    p.set_defaults(func=cmd_estimate)
    aliyun.set_defaults(func=lambda args: (aliyun.print_help(), 2)[1])


def cmd_estimate(args: argparse.Namespace) -> int:
    from mattebox.media.probe import probe
    from mattebox.media.reader import parse_frame_range
    from mattebox.tasks import Task

    from .billing import estimate_charge
    from .fit import plan_upload
    from .limits import SERVICE_LIMITS

    task = Task.parse(args.task)
    info = probe(args.input)
    frames = parse_frame_range(args.frames, info.video.frame_count)
    plan = plan_upload(info, SERVICE_LIMITS[task], frames.first, frames.count, fit=args.fit)
    estimate = estimate_charge(task, [last - first + 1 for first, last in plan.chunks], info.video.frame_rate)
    if args.json:
        print(json.dumps({"plan": plan.to_dict(), "estimate": estimate.to_dict()}, indent=1))
        return 0
    uploads = {"original": "the file as it is", "remux": "an MP4 remux", "transcode": "frame-exact H.264 chunks"}[plan.mode]
    print(f"{info.describe()}")
    print(f"frames {frames.first}-{frames.last}: {len(plan.chunks)} {task.action} request(s), uploading {uploads}")
    for change in plan.changes:
        print(f"  --fit: {change}")
    print(f"estimated charge: {estimate.describe()}")
    return 0
