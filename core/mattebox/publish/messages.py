"""Typed messages from a running runtime job, parsed from its ``--progress json`` lines.

The runtime prints one JSON object per line (``started``, ``progress``, ``finished``). A reader
thread turns each line into one of the messages below and puts it on a queue; the host's main
thread drains the queue. :class:`ProcessExited` is added by the host side when the runtime process
ends, so a crash that never printed ``finished`` still ends the conversation.
"""

import json
import logging
from typing import Any, Dict, List, NamedTuple, Optional

__all__ = [
    "JobFinished",
    "JobOutput",
    "JobProgress",
    "JobStarted",
    "ProcessExited",
    "parse_line",
]

log = logging.getLogger(__name__)


class JobStarted(NamedTuple):
    """The runtime accepted the job and began (``total`` may still be 0: the clip is probed next)."""

    job: str
    task: str
    backend: str
    source: str
    total: int


class JobProgress(NamedTuple):
    """Progress of one stage: ``frames`` counts frames; other stages (``prepare``, ``upload``) count to ``total``."""

    job: str
    stage: str
    frame: int
    total: int
    fps: float = 0.0
    eta: Optional[float] = None

    @property
    def fraction(self) -> float:
        return min(1.0, max(0.0, float(self.frame) / self.total)) if self.total else 0.0


class JobOutput(NamedTuple):
    """One file (or image sequence) the job wrote."""

    kind: str
    path: str
    format: str
    frames: int
    first_number: Optional[int] = None

    @property
    def is_sequence(self) -> bool:
        return self.first_number is not None

    def file_for(self, index: int) -> str:
        """The file of the ``index``-th frame of an image sequence (0-based)."""
        if self.first_number is None:
            return self.path
        return self.path % (self.first_number + index)


class JobFinished(NamedTuple):
    """The job reached a final status; ``outputs`` on success, ``error`` (``{"code","message","hint"}``) otherwise."""

    job: str
    status: str
    frame: int
    total: int
    outputs: List[JobOutput]
    error: Optional[Dict[str, Any]] = None

    @property
    def ok(self) -> bool:
        return self.status == "PROCESS_SUCCESS"


class ProcessExited(NamedTuple):
    """The runtime process ended (always the last message of a job)."""

    returncode: int
    stderr: str


def _output(data: Dict[str, Any]) -> JobOutput:
    first = data.get("first_number")
    return JobOutput(
        kind=str(data.get("kind", "")),
        path=str(data.get("path", "")),
        format=str(data.get("format", "")),
        frames=int(data.get("frames") or 0),
        first_number=None if first is None else int(first),
    )


def parse_line(line: str):
    """The message on one line of ``--progress json`` output, or ``None`` for a blank or foreign line.

    Lines that are not JSON objects with a known ``event`` are logged and skipped: a plugin that
    prints to stdout must not break the host.
    """
    line = line.strip()
    if not line:
        return None
    try:
        data = json.loads(line)
    except ValueError:
        log.debug("runtime printed a line that is not JSON: %r", line[:200])
        return None
    if not isinstance(data, dict):
        return None
    event = data.get("event")
    job = str(data.get("job", ""))
    try:
        if event == "started":
            return JobStarted(job, str(data.get("task", "")), str(data.get("backend", "")), str(data.get("source", "")),
                              int(data.get("total") or 0))
        if event == "progress":
            eta = data.get("eta")
            return JobProgress(job, str(data.get("stage", "frames")), int(data.get("frame") or 0), int(data.get("total") or 0),
                               float(data.get("fps") or 0.0), None if eta is None else float(eta))
        if event == "finished":
            outputs = [_output(o) for o in data.get("outputs") or [] if isinstance(o, dict)]
            return JobFinished(job, str(data.get("status", "")), int(data.get("frame") or 0), int(data.get("total") or 0),
                               outputs, data.get("error"))
    except (TypeError, ValueError):
        log.warning("runtime sent a malformed %r event: %r", event, line[:200])
        return None
    log.debug("runtime sent an unknown event %r", event)
    return None
