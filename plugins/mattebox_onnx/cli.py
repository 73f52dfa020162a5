"""``mattebox models list|install|verify|path|add``: the model manager on the command line.

Added to the CLI through the ``mattebox_add_commands`` hook. Each command returns an exit status;
a :class:`~mattebox.errors.MatteboxError` prints ``Code: message`` and its hint on stderr, never a
traceback. Progress (pip's own bar, download bytes, conversion steps) goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Callable

from mattebox.errors import MatteboxError

__all__ = ["add_models_command"]


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _progress_printer() -> Callable[[str, int, "int | None"], None]:
    """Progress on stderr: a rich bar on a terminal, one line per stage otherwise."""
    last: dict[str, Any] = {"stage": None, "bar": None, "task": None}
    interactive = sys.stderr.isatty()

    def show(stage: str, done: int, total: int | None) -> None:
        if interactive and total and stage.startswith("downloading"):
            from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

            if last["bar"] is None or last["stage"] != stage:
                if last["bar"] is not None:
                    last["bar"].stop()
                last["bar"] = Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                                       TransferSpeedColumn(), transient=False)
                last["bar"].start()
                last["task"] = last["bar"].add_task(stage, total=total)
                last["stage"] = stage
            last["bar"].update(last["task"], completed=done)
            if done >= total:
                last["bar"].stop()
                last["bar"] = None
            return
        if stage != last["stage"] or (total and done >= total):
            mark = "done" if total and done >= total else "…"
            _err(f"{stage} {mark}")
            last["stage"] = stage

    return show


def _cmd_list(args: argparse.Namespace) -> int:
    from .catalog import CATALOG, install_command
    from .store import ModelStore

    store = ModelStore()
    installed = {m.name: m for m in store.list()}
    print(f"models folder: {store.root}")
    for name, spec in CATALOG.items():
        m = installed.pop(name, None)
        state = f"installed  {m.sha256[:12]}" if m else f"-          {install_command(name)}"
        print(f"  {name:22} {state:40} {spec.licence:11} {spec.title}")
    for name, m in installed.items():
        print(f"  {name:22} {'installed  ' + m.sha256[:12]:40} {m.licence:11} {m.source}")
    return 0


def _cmd_install(args: argparse.Namespace) -> int:
    from .install import install_models

    for model in install_models(args.name, show_pip=sys.stderr.isatty(), progress=_progress_printer()):
        print(f"installed {model.name} ({model.licence}) sha256 {model.sha256} at {model.path}")
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from .store import ModelStore, check_integrity
    from .validate import check_model_file

    store = ModelStore()
    names = [args.name] if args.name else [m.name for m in store.list()]
    if not names:
        _err("no models installed; run `mattebox models install selfie`")
        return 1
    failed = 0
    for name in names:
        try:
            model = check_integrity(store.get(name))
            check_model_file(model.path, model.card, label=name)
            print(f"ok      {name}  sha256 {model.sha256}")
        except MatteboxError as exc:
            failed += 1
            print(f"FAILED  {name}: {exc.user_text()}")
    return 0 if not failed else 4


def _cmd_path(args: argparse.Namespace) -> int:
    from .store import ModelStore

    store = ModelStore()
    print(store.get(args.name).path if args.name else store.root)
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    from .install import add_model

    model = add_model(args.name, args.path, card_path=args.card)
    print(f"added {model.name} ({model.licence}) sha256 {model.sha256} at {model.path}")
    return 0


def _guarded(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except MatteboxError as exc:
            _err(exc.user_text())
            return exc.exit_status

    run.__name__ = func.__name__
    return run


def add_models_command(subparsers: "argparse._SubParsersAction") -> None:
    """Add ``models`` and its sub-commands to the ``mattebox`` CLI."""
    models = subparsers.add_parser("models", help="install, list and check the ONNX backend's models")
    sub = models.add_subparsers(dest="models_command", metavar="COMMAND")
    sub.required = True
    p = sub.add_parser("list", help="known and installed models, with licence and hash")
    p.set_defaults(func=_guarded(_cmd_list))
    p = sub.add_parser("install", help="install a model: selfie (offline default, from PyPI), rvm (download)")
    p.add_argument("name", help="selfie, rvm, or a catalog name (rvm-resnet50-fp16, …)")
    p.set_defaults(func=_guarded(_cmd_install))
    p = sub.add_parser("verify", help="check installed models' hashes and that they load")
    p.add_argument("name", nargs="?", help="one model (default: all)")
    p.set_defaults(func=_guarded(_cmd_verify))
    p = sub.add_parser("path", help="print a model's file, or the models folder")
    p.add_argument("name", nargs="?")
    p.set_defaults(func=_guarded(_cmd_path))
    p = sub.add_parser("add", help="install a model file you downloaded (rvm, modnet, or any ONNX model with --card)",
                       description="Card fields (TOML): [input] name, layout NCHW|NHWC, size stretch|short-side|native, "
                                   "width, height, short_side, multiple, mean, std, downsample_ratio; [output] name, layout, "
                                   "channel, activation none|sigmoid|softmax, foreground; [[recurrent]] input, output.")
    p.add_argument("name", help="rvm, modnet, or a new name")
    p.add_argument("path", help="the .onnx file")
    p.add_argument("--card", help="a TOML model card (required for models mattebox does not know)")
    p.set_defaults(func=_guarded(_cmd_add))
