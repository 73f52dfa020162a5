"""``mattebox``: run jobs, inspect the job store, check the install.

Every failure prints ``Code: message`` and a hint on stderr and exits non-zero (the code's exit
status); ``--debug`` adds the traceback and debug logs.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from typing import Sequence

from .. import __version__
from ..allocator import tune_allocator
from ..errors import MatteboxError

__all__ = ["build_parser", "main"]

log = logging.getLogger("mattebox")


def _add_run(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from ..outputs import IMAGE_LAYOUTS, describe_formats

    p = sub.add_parser(
        "run", help="run a task on a clip",
        description="Run a task on a clip and write a matte, a keyed layer or a composite.",
        epilog="output formats by extension:\n" + describe_formats(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("task", help="body, halfbody or greenscreen")
    p.add_argument("input", help="the source clip")
    p.add_argument("-o", "--output-path", dest="output_path", required=True, help="output file, or a %%04d pattern for image sequences")
    p.add_argument("--output", dest="kind", default="matte", choices=("matte", "keyed", "composite"), help="what to write (default: matte)")
    p.add_argument("--backend", default=None, help="backend name (default: the task's default; see `mattebox plugins`)")
    p.add_argument("--frames", default=None, metavar="A-B", help="process source frames A to B (0-based, inclusive)")
    p.add_argument("--background", default=None, help="composite over: #rrggbb, r,g,b, a colour name, an image, a video, or blur")
    p.add_argument("--premultiply", action="store_true", help="keyed output: premultiplied colour (default: straight)")
    p.add_argument("--start-number", type=int, default=None, help="image sequences: number of the first file (default: the source frame index)")
    p.add_argument("--image-layout", default="shown", choices=IMAGE_LAYOUTS,
                   help="image sequences of a clip shown turned (phone clips): as shown (default) or as coded")
    p.add_argument("--overwrite", "-y", action="store_true", help="replace existing outputs")
    p.add_argument("--progress", default=None, choices=("bar", "json", "none"), help="progress display (default: bar on a terminal, else none)")
    p.add_argument("--job-id", default=None, help="use this job id (hosts choose it up front to record and cancel the job)")
    p.set_defaults(func=cmd_run)
    return p


def _add_check(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("check", help="check a job without running it: every problem at once (hosts use --json)")
    p.add_argument("task")
    p.add_argument("input")
    p.add_argument("-o", "--output-path", dest="output_path", default=None)
    p.add_argument("--output", dest="kind", default="matte", choices=("matte", "keyed", "composite"))
    p.add_argument("--backend", default=None)
    p.add_argument("--frames", default=None, metavar="A-B")
    p.add_argument("--background", default=None)
    p.add_argument("--overwrite", "-y", action="store_true")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=cmd_check)
    return p


def cmd_check(args: argparse.Namespace) -> int:
    import json

    from ..check import check_job
    from .options import collect_backend_options

    outputs = [] if not args.output_path else [{"kind": args.kind, "path": args.output_path, "background": args.background}]
    report = check_job(args.task, args.input, outputs, backend=args.backend, frames=args.frames,
                       options=collect_backend_options(args), overwrite=args.overwrite)
    if args.json:
        print(json.dumps(report.to_dict()))
    else:
        if report.info is not None:
            print(report.info.describe())
        for err in report.errors:
            print(err.user_text(), file=sys.stderr)
        if report.ok:
            print(f"ok: {args.task} with {report.backend} on frames {report.frames[0]}-{report.frames[1]}")
    return 0 if report.ok else report.errors[0].exit_status


def build_parser(backend_options_for: tuple[str, str, str | None] | None = None) -> argparse.ArgumentParser:
    """The CLI parser; with ``(command, task, backend)``, that command (``run`` or ``preview``) also gets
    the backend's option flags."""
    parser = argparse.ArgumentParser(prog="mattebox", description="Person mattes and green-screen keys for editing timelines.")
    parser.add_argument("--version", action="version", version=f"mattebox {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run_parser = _add_run(sub)
    _add_check(sub)
    from . import commands

    commands.add_commands(sub)
    if backend_options_for is not None:
        command, task, backend = backend_options_for
        target = run_parser if command == "run" else sub.choices.get(command)
        if target is not None:
            _add_backend_flags(target, task, backend)
    try:
        from ..plugins import get_plugin_manager

        get_plugin_manager().hook.mattebox_add_commands(subparsers=sub)
    except Exception:  # a broken plugin must not break the CLI
        log.debug("plugin commands failed to load", exc_info=True)
    return parser


def _add_backend_flags(run_parser: argparse.ArgumentParser, task_name: str, backend_name: str | None) -> None:
    from ..plugins import get_registry
    from ..tasks import Task
    from .options import add_backend_options

    try:
        task = Task.parse(task_name)
        backend = get_registry().resolve(task, backend_name)
    except MatteboxError:
        return  # reported properly when the job is created
    add_backend_options(run_parser, backend.name, backend.options(task))


def _peek_run_target(argv: Sequence[str]) -> tuple[str, str, str | None] | None:
    """Find the command, TASK and --backend in a ``run``/``preview`` command line before full parsing."""
    command = next((a for a in argv if not a.startswith("-")), None)
    if command not in ("run", "preview", "check"):
        return None
    rest = list(argv[list(argv).index(command) + 1 :])
    backend = None
    task = None
    i = 0
    while i < len(rest):
        a = rest[i]
        if a == "--backend" and i + 1 < len(rest):
            backend = rest[i + 1]
            i += 2
            continue
        if a.startswith("--backend="):
            backend = a.split("=", 1)[1]
        elif not a.startswith("-") and task is None:
            task = a
        i += 1
    return (command, task, backend) if task else None


def cmd_run(args: argparse.Namespace) -> int:
    from ..api import create_job
    from ..media.reader import parse_frame_range
    from ..plugins import get_plugin_manager, get_registry
    from ..runner import job_exception, run_job
    from ..store import JobStore
    from .options import collect_backend_options
    from .progress import make_reporter

    progress = args.progress or ("bar" if sys.stderr.isatty() else "none")
    reporter = make_reporter(progress)
    registry = get_registry(get_plugin_manager(plugins=[reporter]))
    frames = None
    if args.frames:
        # checked against the clip when the job runs; parse the form now for a quick error
        text = args.frames.strip()
        parse_frame_range(text, 1 << 40)
        first, _, last = text.partition("-")
        frames = (int(first), int(last) if last.strip() else None) if "-" in text else (int(text), int(text))
    outputs = [{"kind": args.kind, "path": args.output_path, "premultiply": args.premultiply,
                "background": args.background, "start_number": args.start_number, "image_layout": args.image_layout}]
    store = JobStore()
    job = create_job(args.task, args.input, outputs, backend=args.backend, frames=frames,
                     options=collect_backend_options(args), overwrite=args.overwrite, store=store,
                     registry=registry, job_id=args.job_id)
    cancel = threading.Event()
    done = run_job(job.id, store=store, registry=registry, cancel=cancel)
    exc = job_exception(done)
    if exc is not None:
        raise exc
    if progress == "bar":
        for o in done.outputs:
            print(f"wrote {o['path']} ({o['frames']} frames, {o['format']})", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mattebox`` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    tune_allocator()  # this is the runtime's own process: before any thread starts
    debug = "--debug" in argv
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        parser = build_parser(_peek_run_target(argv))
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        return int(args.func(args) or 0)
    except MatteboxError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        print(exc.user_text(), file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print("Job.Cancelled: interrupted (Ctrl-C)", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
