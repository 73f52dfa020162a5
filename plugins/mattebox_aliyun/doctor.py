"""``mattebox doctor`` lines for the cloud backend: where its AccessKey and endpoints come from."""

from __future__ import annotations

from typing import Sequence

from mattebox.errors import MatteboxError

__all__ = ["doctor_lines"]


def doctor_lines() -> Sequence[tuple[str, str]]:
    from importlib.metadata import PackageNotFoundError, version

    from .credentials import resolve_credentials
    from .endpoints import Endpoints

    lines: list[tuple[str, str]] = []
    try:
        lines.append(("aliyun AccessKey", resolve_credentials().describe()))
    except MatteboxError as exc:
        lines.append(("aliyun AccessKey", f"none ({exc.message})"))
    try:
        endpoints = Endpoints.resolve()
        lines.append(("aliyun endpoint", endpoints.videoseg + (" (local emulator)" if endpoints.is_local else "")))
    except MatteboxError as exc:
        lines.append(("aliyun endpoint", exc.message))
    for package in ("requests", "oss2"):
        try:
            lines.append((package, version(package)))
        except PackageNotFoundError:
            lines.append((package, "missing (pip install mattebox)"))
    return lines
