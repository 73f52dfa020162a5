"""Check a job before running it: every problem at once, each with its videoseg code.

The same checks the runner makes before any work (probe, frame range, backend and task, input
limits, backend options, outputs), but collected instead of stopping at the first, so a host can
show the artist one list. ``mattebox check … --json`` exposes it to host adapters.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from .errors import MatteboxError
from .media.encoders import check_orientation_writable
from .media.probe import MediaInfo, probe
from .media.reader import parse_frame_range
from .outputs import plan_output
from .plugins import BackendRegistry, get_registry
from .runner import resolve_options
from .tasks import Task

__all__ = ["CheckReport", "check_job"]


@dataclass
class CheckReport:
    """What :func:`check_job` found."""

    errors: list[MatteboxError] = field(default_factory=list)
    info: MediaInfo | None = None
    backend: str | None = None
    frames: tuple[int, int] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"ok": self.ok, "errors": [e.to_dict() for e in self.errors], "backend": self.backend,
                                "frames": list(self.frames) if self.frames else None}
        if self.info is not None:
            v = self.info.video
            data["source"] = {
                "path": self.info.path, "format": self.info.format_name, "bytes": self.info.size_bytes,
                "width": v.width, "height": v.height, "frame_count": v.frame_count,
                "frame_rate": [v.frame_rate.numerator, v.frame_rate.denominator], "vfr": v.vfr, "codec": v.codec,
                "pix_fmt": v.pix_fmt, "sample_aspect_ratio": [v.sample_aspect_ratio.numerator, v.sample_aspect_ratio.denominator],
                "audio": self.info.audio.codec if self.info.audio else None,
            }
        return data


def check_job(task: str | Task, source: str, outputs: Sequence[Mapping[str, Any]], *, backend: str | None = None,
              frames: tuple[int, int | None] | str | None = None, options: Mapping[str, Any] | None = None,
              overwrite: bool = False, registry: BackendRegistry | None = None) -> CheckReport:
    """Every problem a job would meet before its first frame, without doing any work."""
    report = CheckReport()

    def attempt(fn):
        try:
            return fn()
        except MatteboxError as exc:
            report.errors.append(exc)
            return None

    task_ = attempt(lambda: Task.parse(task))
    registry = registry or get_registry()
    chosen = attempt(lambda: registry.resolve(task_, backend)) if task_ is not None else None
    if chosen is not None:
        report.backend = chosen.name
        attempt(lambda: resolve_options(chosen, task_, options))
    specs = [
        attempt(lambda o=o: plan_output(o["kind"], o["path"], premultiply=o.get("premultiply", False),
                                        background=o.get("background"), start_number=o.get("start_number"),
                                        overwrite=overwrite, image_layout=o.get("image_layout")))
        for o in outputs
    ]
    info = attempt(lambda: probe(os.path.abspath(source)))
    if info is None:
        return report
    report.info = info
    for spec in specs:
        if spec is not None and not spec.is_sequence:
            attempt(lambda spec=spec: check_orientation_writable(info, spec.path))
    rng = attempt(lambda: parse_frame_range(frames, info.video.frame_count))
    if rng is not None:
        report.frames = (rng.first, rng.last)
    if chosen is not None and task_ is not None:
        report.errors.extend(chosen.limits(task_).violations(info, rng.count if rng is not None else None))
    return report
