"""The job store: every job in one SQLite file, safe for several processes at once.

A host starts a job through the CLI and later reads it back here, even after either side crashed.
WAL mode and a busy timeout let a host, a worker and ``mattebox jobs`` read and write together. A
running job records its pid, hostname and a heartbeat; a job whose process is gone without
finishing reads back with ``interrupted=True`` and can be resumed (``mattebox jobs resume``).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from .errors import MatteboxError
from .jobs import FINAL_STATUSES, Job, JobStatus
from .paths import jobs_db_path
from .tasks import Task

__all__ = ["HEARTBEAT_STALE_S", "JobStore", "new_job_id"]

HEARTBEAT_STALE_S = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    task TEXT NOT NULL,
    backend TEXT NOT NULL,
    source TEXT NOT NULL,
    frame_start INTEGER NOT NULL DEFAULT 0,
    frame_end INTEGER,
    outputs TEXT NOT NULL DEFAULT '[]',
    options TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    frames_done INTEGER NOT NULL DEFAULT 0,
    frames_total INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    remote TEXT NOT NULL DEFAULT '{}',
    created REAL NOT NULL,
    updated REAL NOT NULL,
    started REAL,
    finished REAL,
    pid INTEGER,
    hostname TEXT,
    heartbeat REAL,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_created ON jobs(created);
CREATE INDEX IF NOT EXISTS jobs_source ON jobs(source);
"""

_JSON_FIELDS = ("outputs", "options", "error", "remote")


def new_job_id() -> str:
    """A short, sortable, unique job id (time prefix + random suffix)."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:6]


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:  # Windows raises OSError for a gone pid
        return False
    return True


class JobStore:
    """Jobs in SQLite. Every method opens its own short transaction; instances are cheap.

    :param path: the database file (default: ``jobs.sqlite3`` in the data directory).
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else jobs_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout = 30000")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.row_factory = sqlite3.Row
            yield db
        finally:
            db.close()

    # -- reading ---------------------------------------------------------------------------

    def _row_to_job(self, row: sqlite3.Row) -> Job:
        data = dict(row)
        for key in _JSON_FIELDS:
            data[key] = json.loads(data[key]) if data[key] else (None if key == "error" else ({} if key != "outputs" else []))
        data["task"] = Task(data["task"])
        data["status"] = JobStatus(data["status"])
        data["cancel_requested"] = bool(data["cancel_requested"])
        job = Job(**data)
        job.interrupted = self._is_interrupted(job)
        return job

    @staticmethod
    def _is_interrupted(job: Job) -> bool:
        if job.status in FINAL_STATUSES or job.status is JobStatus.QUEUING and job.pid is None:
            return False
        if job.pid is None:
            return False
        if job.hostname == socket.gethostname():
            return not _pid_alive(job.pid)
        return job.heartbeat is not None and time.time() - job.heartbeat > HEARTBEAT_STALE_S

    def get(self, job_id: str) -> Job:
        """The job ``job_id`` (a unique prefix is enough); raises ``Job.NotFound``."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM jobs WHERE id = ? OR id LIKE ? LIMIT 2", (job_id, job_id + "%")).fetchall()
        exact = [r for r in rows if r["id"] == job_id]
        if exact:
            return self._row_to_job(exact[0])
        if len(rows) == 1:
            return self._row_to_job(rows[0])
        if not rows:
            raise MatteboxError("Job.NotFound", f"no job {job_id!r} in {self.path}")
        raise MatteboxError("Job.NotFound", f"{job_id!r} matches several jobs; give more of the id")

    def list(self, *, limit: int = 50, source: str | None = None, status: JobStatus | None = None) -> list[Job]:
        """The newest jobs first, optionally only those of ``source`` or in ``status``."""
        query, args = "SELECT * FROM jobs", []
        where = []
        if source is not None:
            where.append("source = ?")
            args.append(os.path.abspath(source))
        if status is not None:
            where.append("status = ?")
            args.append(status.value)
        if where:
            query += " WHERE " + " AND ".join(where)
        query += " ORDER BY created DESC LIMIT ?"
        args.append(limit)
        with self._connect() as db:
            return [self._row_to_job(r) for r in db.execute(query, args).fetchall()]

    # -- writing ---------------------------------------------------------------------------

    def create(self, job: Job) -> Job:
        """Insert a new job (status QUEUING)."""
        now = time.time()
        job.created = job.updated = now
        row = self._job_to_row(job)
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self._connect() as db:
            db.execute(f"INSERT INTO jobs ({cols}) VALUES ({marks})", list(row.values()))
        return job

    @staticmethod
    def _job_to_row(job: Job) -> dict[str, Any]:
        row = {
            "id": job.id, "task": job.task.value, "backend": job.backend, "source": job.source,
            "frame_start": job.frame_start, "frame_end": job.frame_end, "status": job.status.value,
            "progress": job.progress, "frames_done": job.frames_done, "frames_total": job.frames_total,
            "created": job.created, "updated": job.updated, "started": job.started, "finished": job.finished,
            "pid": job.pid, "hostname": job.hostname, "heartbeat": job.heartbeat,
            "cancel_requested": int(job.cancel_requested), "attempts": job.attempts,
        }
        for key in _JSON_FIELDS:
            value = getattr(job, key)
            row[key] = json.dumps(value) if value is not None else None
        return row

    def update(self, job_id: str, **fields: Any) -> None:
        """Set ``fields`` (Job attribute names) on a job and bump ``updated``."""
        sets, args = [], []
        for key, value in fields.items():
            if key in _JSON_FIELDS:
                value = json.dumps(value) if value is not None else None
            elif isinstance(value, (JobStatus, Task)):
                value = value.value
            elif isinstance(value, bool):
                value = int(value)
            sets.append(f"{key} = ?")
            args.append(value)
        sets.append("updated = ?")
        args.append(time.time())
        args.append(job_id)
        with self._connect() as db:
            cur = db.execute(f"UPDATE jobs SET {', '.join(sets)} WHERE id = ?", args)
            if cur.rowcount == 0:
                raise MatteboxError("Job.NotFound", f"no job {job_id!r} in {self.path}")

    def claim(self, job_id: str) -> Job:
        """Mark a job as run by this process (pid, host, heartbeat); refuses a job another live process runs."""
        job = self.get(job_id)
        if job.status is JobStatus.PROCESSING and not job.interrupted and job.pid not in (None, os.getpid()):
            raise MatteboxError("InvalidParameter", f"job {job.id} is running in process {job.pid} on {job.hostname}")
        now = time.time()
        self.update(
            job.id, status=JobStatus.PROCESSING, pid=os.getpid(), hostname=socket.gethostname(), heartbeat=now,
            started=now, finished=None, error=None, cancel_requested=False, attempts=job.attempts + 1,
        )
        return self.get(job.id)

    def heartbeat(self, job_id: str, **fields: Any) -> bool:
        """Record progress and liveness; returns True if a cancel was requested from elsewhere."""
        self.update(job_id, heartbeat=time.time(), **fields)
        with self._connect() as db:
            row = db.execute("SELECT cancel_requested FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return bool(row and row[0])

    def request_cancel(self, job_id: str) -> Job:
        """Ask the process running ``job_id`` to cancel it (it stops at its next heartbeat).

        A job that is queued or whose process is gone is marked CANCELLED at once.
        """
        job = self.get(job_id)
        if job.status.final:
            return job
        if job.status is JobStatus.QUEUING or job.interrupted:
            self.update(job.id, status=JobStatus.CANCELLED, cancel_requested=True, finished=time.time(),
                        error={"code": "Job.Cancelled", "message": "cancelled by the user", "hint": ""})
        else:
            self.update(job.id, cancel_requested=True)
        return self.get(job.id)

    def set_remote(self, job_id: str, remote: dict[str, Any]) -> None:
        """Persist backend state (e.g. remote request ids) for resuming."""
        self.update(job_id, remote=remote)

    def delete(self, job_id: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))
