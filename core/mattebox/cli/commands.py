"""The CLI's built-in commands besides ``run``: jobs, plugins, doctor, preview, demo."""

from __future__ import annotations

import argparse
import json
import sys
import time

from ..errors import MatteboxError

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction) -> None:
    jobs = sub.add_parser("jobs", help="list, show, cancel or resume jobs in the job store")
    jsub = jobs.add_subparsers(dest="jobs_command", metavar="ACTION")
    p = jsub.add_parser("list", help="the newest jobs")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--source", default=None, help="only jobs of this source clip")
    p.add_argument("--json", action="store_true", help="JSON output (for hosts)")
    p.set_defaults(func=cmd_jobs_list)
    for name, func, help_text in (
        ("show", cmd_jobs_show, "one job in full (JSON)"),
        ("cancel", cmd_jobs_cancel, "ask a running job to stop"),
        ("resume", cmd_jobs_resume, "run an interrupted or failed job again"),
    ):
        p = jsub.add_parser(name, help=help_text)
        p.add_argument("job_id")
        if name == "resume":
            p.add_argument("--progress", default=None, choices=("bar", "json", "none"))
        p.set_defaults(func=func)
    jobs.set_defaults(func=lambda args: (jobs.print_help(), 2)[1])

    p = sub.add_parser("plugins", help="the backends found, their tasks and limits, and plugins that failed to load")
    p.set_defaults(func=cmd_plugins)

    from . import doctor, demo, preview

    doctor.add_parser(sub)
    preview.add_parser(sub)
    demo.add_parser(sub)


def _job_line(job) -> str:
    state = job.status.value + (" (interrupted)" if job.interrupted else "")
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(job.created))
    err = f"  {job.error.get('code')}" if job.error else ""
    return f"{job.id}  {when}  {job.task.value:<11} {job.backend:<7} {state:<28} {job.frames_done}/{job.frames_total}{err}  {job.source}"


def _job_dict(job) -> dict:
    from dataclasses import asdict

    data = asdict(job)
    data["task"] = job.task.value
    data["status"] = job.status.value
    data.pop("exception", None)
    return data


def cmd_jobs_list(args: argparse.Namespace) -> int:
    from ..store import JobStore

    jobs = JobStore().list(limit=args.limit, source=args.source)
    if args.json:
        print(json.dumps([_job_dict(j) for j in jobs], indent=1))
    elif not jobs:
        print("no jobs yet")
    else:
        for job in jobs:
            print(_job_line(job))
    return 0


def cmd_jobs_show(args: argparse.Namespace) -> int:
    from ..store import JobStore

    print(json.dumps(_job_dict(JobStore().get(args.job_id)), indent=1))
    return 0


def cmd_jobs_cancel(args: argparse.Namespace) -> int:
    from ..store import JobStore

    job = JobStore().request_cancel(args.job_id)
    if job.status.value == "CANCELLED":
        print(f"{job.id}: cancelled")
    elif job.status.final:
        print(f"{job.id}: already finished ({job.status.value})")
    else:
        print(f"{job.id}: cancel requested; the job stops within a second")
    return 0


def cmd_jobs_resume(args: argparse.Namespace) -> int:
    from ..plugins import get_plugin_manager, get_registry
    from ..runner import job_exception, run_job
    from ..store import JobStore
    from .progress import make_reporter

    store = JobStore()
    job = store.get(args.job_id)
    if job.status.value == "PROCESS_SUCCESS":
        print(f"{job.id}: already finished")
        return 0
    if job.status.value == "PROCESSING" and not job.interrupted:
        raise MatteboxError("InvalidParameter", f"job {job.id} is still running (process {job.pid})")
    progress = args.progress or ("bar" if sys.stderr.isatty() else "none")
    registry = get_registry(get_plugin_manager(plugins=[make_reporter(progress)]))
    done = run_job(job.id, store=store, registry=registry)
    exc = job_exception(done)
    if exc is not None:
        raise exc
    return 0


def cmd_plugins(args: argparse.Namespace) -> int:
    from ..plugins import get_registry
    from ..tasks import Task

    registry = get_registry()
    for backend in registry.backends.values():
        print(f"{backend.name}: {backend.description}")
        for task in Task:
            support = backend.tasks().get(task)
            if support is None:
                continue
            mark = "offered" if support.offered else "not offered"
            note = f" — {support.note}" if support.note else ""
            limits = backend.limits(task).describe() if support.offered else ""
            print(f"  {task.value:<11} {mark}{note}" + (f"; limits: {limits}" if limits else ""))
    for failure in registry.failures:
        print(f"FAILED {failure.name}: {failure.error}")
    return 0
