"""Turn a backend's declared options into argparse flags (so every parameter is on the CLI)."""

from __future__ import annotations

import argparse
from typing import Sequence

from ..backend import Option

__all__ = ["add_backend_options", "collect_backend_options"]


def _bool(text: str) -> bool:
    t = text.strip().lower()
    if t in ("1", "true", "yes", "on"):
        return True
    if t in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected yes/no")


def add_backend_options(parser: argparse.ArgumentParser, backend_name: str, options: Sequence[Option]) -> None:
    """Add ``--<name>`` for each option; values stay strings (parsed by the runner, which names bad ones)."""
    if not options:
        return
    group = parser.add_argument_group(f"{backend_name} options")
    for opt in options:
        help_text = f"{opt.help} (default: {opt.default})"
        if opt.choices:
            help_text += f"; one of: {', '.join(map(str, opt.choices))}"
        group.add_argument(f"--{opt.name}", dest=f"opt_{opt.key}", default=None, metavar=opt.key.upper() if not opt.choices else "{" + ",".join(map(str, opt.choices)) + "}", help=help_text)


def collect_backend_options(args: argparse.Namespace) -> dict[str, str]:
    """The backend options the user gave on the command line."""
    return {k[4:]: v for k, v in vars(args).items() if k.startswith("opt_") and v is not None}


bool_option = _bool
