"""Jobs and their statuses, in the vocabulary of videoseg's GetAsyncJobResult."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from .tasks import Task

__all__ = ["FINAL_STATUSES", "Job", "JobStatus"]


class JobStatus(str, enum.Enum):
    """The status of a job: videoseg's six statuses plus CANCELLED (which a desktop user needs)."""

    QUEUING = "QUEUING"
    PROCESSING = "PROCESSING"
    PROCESS_SUCCESS = "PROCESS_SUCCESS"
    PROCESS_FAILED = "PROCESS_FAILED"
    TIMEOUT_FAILED = "TIMEOUT_FAILED"
    LIMIT_RETRY_FAILED = "LIMIT_RETRY_FAILED"
    CANCELLED = "CANCELLED"

    @property
    def final(self) -> bool:
        """True once the job will not change any more (unless resumed)."""
        return self in FINAL_STATUSES

    def __str__(self) -> str:
        return self.value


FINAL_STATUSES = frozenset(
    {JobStatus.PROCESS_SUCCESS, JobStatus.PROCESS_FAILED, JobStatus.TIMEOUT_FAILED, JobStatus.LIMIT_RETRY_FAILED, JobStatus.CANCELLED}
)


@dataclass
class Job:
    """One job as the job store holds it.

    :param id: the job id (also shown to users and hosts).
    :param task: what to do.
    :param backend: which backend does it.
    :param source: the absolute path of the source clip.
    :param frame_start: first source frame (0-based, inclusive).
    :param frame_end: last source frame (inclusive), or ``None`` for "to the end".
    :param outputs: ``[{"kind": "matte|keyed|composite", "path": ..., ...}]`` requested outputs.
    :param options: backend options and output settings, as given.
    :param status: the current :class:`JobStatus`.
    :param progress: 0..1.
    :param error: ``{"code", "message", "hint"}`` once failed.
    :param remote: backend state to resume a job (e.g. cloud RequestIds per chunk).
    :param interrupted: computed when read: the process running it died before it finished.
    """

    id: str
    task: Task
    backend: str
    source: str
    frame_start: int = 0
    frame_end: int | None = None
    outputs: list[dict[str, Any]] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    status: JobStatus = JobStatus.QUEUING
    progress: float = 0.0
    frames_done: int = 0
    frames_total: int = 0
    error: dict[str, Any] | None = None
    remote: dict[str, Any] = field(default_factory=dict)
    created: float = 0.0
    updated: float = 0.0
    started: float | None = None
    finished: float | None = None
    pid: int | None = None
    hostname: str | None = None
    heartbeat: float | None = None
    cancel_requested: bool = False
    interrupted: bool = False
    attempts: int = 0

    def to_result(self) -> dict[str, Any]:
        """The job as GetAsyncJobResult's ``Data`` would describe it (plus mattebox's fields)."""
        data: dict[str, Any] = {"JobId": self.id, "Status": self.status.value}
        if self.status is JobStatus.PROCESS_SUCCESS:
            data["Result"] = {"outputs": self.outputs}
        if self.error:
            data["ErrorCode"] = self.error.get("code")
            data["ErrorMessage"] = self.error.get("message")
        return data
