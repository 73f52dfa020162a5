"""Progress displays for the CLI, as pluggy observers of the job events.

``bar``: a rich progress bar with frames/s and ETA (on a terminal). ``json``: one JSON object per line
on stdout, for hosts: ``{"event": "progress", "job": ..., "status": ..., "frame": ..., "total": ..., "fps": ...}``.
``none``: silent.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any, TextIO

from .. import hookimpl
from ..jobs import Job

__all__ = ["BarProgress", "JsonProgress", "make_reporter"]


class JsonProgress:
    """One JSON line per event on ``stream`` (flushed at once so a host reads it live)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def _emit(self, data: dict[str, Any]) -> None:
        self.stream.write(json.dumps(data, separators=(",", ":")) + "\n")
        self.stream.flush()

    @hookimpl
    def mattebox_job_started(self, job: Job) -> None:
        self._emit({"event": "started", "job": job.id, "status": "PROCESSING", "task": job.task.value,
                    "backend": job.backend, "source": job.source, "total": job.frames_total})

    @hookimpl
    def mattebox_job_progress(self, job: Job, frame: int, total: int, fps: float, stage: str, message: str) -> None:
        data = {"event": "progress", "job": job.id, "status": "PROCESSING", "stage": stage, "frame": frame,
                "total": total, "fps": round(fps, 2)}
        if message:
            data["message"] = message
        if stage == "frames" and fps > 0:
            data["eta"] = round((total - frame) / fps, 1)
        self._emit(data)

    @hookimpl
    def mattebox_job_finished(self, job: Job, error: dict | None) -> None:
        data: dict[str, Any] = {"event": "finished", "job": job.id, "status": job.status.value,
                                "frame": job.frames_done, "total": job.frames_total}
        if error:
            data["error"] = error
        else:
            data["outputs"] = job.outputs
        self._emit(data)


class BarProgress:
    """A rich progress bar on stderr: frames, frames/s, ETA; backend stages (upload, …) as their own bar."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[fps]}"), TimeRemainingColumn(), console=self.console, transient=False,
        )
        self._tasks: dict[str, int] = {}
        self._started = False
        self._last_message = ""

    def _task(self, stage: str, total: int) -> int:
        if not self._started:
            self.progress.start()
            self._started = True
        if stage not in self._tasks:
            self._tasks[stage] = self.progress.add_task(stage, total=total, fps="")
        return self._tasks[stage]

    @hookimpl
    def mattebox_job_started(self, job: Job) -> None:
        self.console.print(f"job [bold]{job.id}[/]: {job.task.value} with {job.backend} on {job.source}")
        self._t0 = time.perf_counter()

    @hookimpl
    def mattebox_job_progress(self, job: Job, frame: int, total: int, fps: float, stage: str, message: str) -> None:
        if message and message != self._last_message:
            self._last_message = message
            (self.progress.console if self._started else self.console).print(f"{stage}: {message}")
        label = "frames" if stage == "frames" else stage
        tid = self._task(label, total)
        self.progress.update(tid, completed=frame, total=total, fps=f"{fps:.1f} fps" if fps else "")

    @hookimpl
    def mattebox_job_finished(self, job: Job, error: dict | None) -> None:
        if self._started:
            self.progress.stop()
            self._started = False


class _Silent:
    pass


def make_reporter(kind: str) -> object:
    """The observer for ``--progress bar|json|none`` (``bar`` falls back to none off a terminal? no: it still prints)."""
    if kind == "json":
        return JsonProgress()
    if kind == "bar":
        return BarProgress()
    return _Silent()
