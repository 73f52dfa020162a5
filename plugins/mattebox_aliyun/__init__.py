"""mattebox backend: Alibaba Cloud videoseg (all three tasks) and a local emulator of the service.

Only hook implementations and cheap imports live here: requests, oss2 and PyAV are imported when a
job starts or a command runs, never when the plugin is listed inside a host.
Modules: ``signing`` (RPC v1 and V3 signatures), ``credentials``, ``endpoints``, ``client`` (one
requests.Session, retries), ``upload`` (own bucket through oss2, or the platform's temporary upload),
``limits``, ``fit`` and ``transcode`` (what to upload: the original, a remux or frame-exact chunks),
``billing``, ``remote`` (submit, poll, resume), ``download``, ``processor`` and ``backend``, ``cli``
(``mattebox aliyun estimate``), ``doctor``, ``paths``; ``emulator/`` is the local service
(``mattebox emulate aliyun``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from mattebox import hookimpl

if TYPE_CHECKING:  # pragma: no cover
    import argparse

    from mattebox.backend import Backend


@hookimpl
def mattebox_add_commands(subparsers: "argparse._SubParsersAction") -> None:
    from .cli import add_aliyun_command
    from .emulator.cli import add_emulate_command

    add_emulate_command(subparsers)
    add_aliyun_command(subparsers)


@hookimpl
def mattebox_backends() -> "Sequence[Backend]":
    from .backend import AliyunBackend

    return [AliyunBackend()]


@hookimpl
def mattebox_doctor() -> "Sequence[tuple[str, str]]":
    from .doctor import doctor_lines

    return doctor_lines()
