"""``mattebox doctor``: versions, codecs, paths and plugins — what a bug report needs."""

from __future__ import annotations

import argparse
import platform
import sys

__all__ = ["add_parser", "doctor_lines"]

_ENCODERS = ("prores_ks", "ffv1", "libx264", "libvpx-vp9", "png", "aac", "libopus")


def doctor_lines() -> list[tuple[str, list[tuple[str, str]]]]:
    """Sections of ``(label, value)`` lines."""
    import av
    import cv2
    import numpy

    from .. import __version__
    from ..paths import data_dir, jobs_db_path
    from ..plugins import get_registry

    core = [
        ("mattebox", __version__),
        ("python", f"{sys.version.split()[0]} ({sys.executable})"),
        ("platform", platform.platform()),
        ("numpy", numpy.__version__),
        ("PyAV", av.__version__),
        ("FFmpeg libavcodec", ".".join(map(str, av.library_versions.get("libavcodec", ())))),
        ("OpenCV", cv2.__version__),
    ]
    codecs = []
    for name in _ENCODERS:
        try:
            av.codec.Codec(name, "w")
            codecs.append((name, "ok"))
        except Exception as exc:  # a missing encoder is exactly what doctor must show
            codecs.append((name, f"MISSING ({exc})"))
    paths = [("data", str(data_dir())), ("jobs", str(jobs_db_path()))]
    registry = get_registry()
    plugins = [(b.name, b.description) for b in registry.backends.values()]
    plugins += [(f.name, f"FAILED: {f.error}") for f in registry.failures]
    sections = [("core", core), ("encoders", codecs), ("paths", paths), ("backends", plugins)]
    for impl in registry.pm.hook.mattebox_doctor.get_hookimpls():
        try:
            lines = list(impl.function() or [])
        except Exception as exc:
            lines = [("error", f"{type(exc).__name__}: {exc}")]
        sections.append((impl.plugin_name, lines))
    return sections


def cmd_doctor(args: argparse.Namespace) -> int:
    problems = 0
    for title, lines in doctor_lines():
        print(f"[{title}]")
        for label, value in lines:
            print(f"  {label:<22} {value}")
            problems += "MISSING" in value or "FAILED" in value
    if problems:
        print(f"{problems} problem(s) found", file=sys.stderr)
        return 1
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="versions, codecs, execution providers and paths")
    p.set_defaults(func=cmd_doctor)
