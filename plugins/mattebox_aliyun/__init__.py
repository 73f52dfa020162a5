"""mattebox backend: Alibaba Cloud videoseg (all three tasks) and a local emulator of the service.

Only hook implementations and cheap imports live here: requests, oss2 and PyAV are imported when a
job starts or a command runs, never when the plugin is listed inside a host.
Modules: ``signing`` (RPC v1 and V3 signatures), ``credentials``, ``client`` (one requests.Session,
retries), ``upload`` (own bucket through oss2, or the platform's temporary upload), ``limits``,
``chunks`` and ``fit`` (cutting clips to the service's limits), ``billing``, ``remote`` (submit, poll,
download, resume), ``processor`` and ``backend``, ``cli``; ``emulator/`` is the local service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from mattebox import hookimpl

if TYPE_CHECKING:  # pragma: no cover
    import argparse

    from mattebox.backend import Backend


@hookimpl
def mattebox_add_commands(subparsers: "argparse._SubParsersAction") -> None:
    from .emulator.cli import add_emulate_command

    add_emulate_command(subparsers)


@hookimpl
def mattebox_backends() -> "Sequence[Backend]":
    from .backend import AliyunBackend

    return [AliyunBackend()]


@hookimpl
def mattebox_doctor() -> "Sequence[tuple[str, str]]":
    from .doctor import doctor_lines

    return doctor_lines()
