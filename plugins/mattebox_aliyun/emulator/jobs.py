"""The emulator's asynchronous jobs: QUEUING → PROCESSING → a final status, like the service's.

A submitted job gets the submit call's RequestId as its JobId and runs on a small worker pool:
it waits ``queue_s`` in QUEUING, runs the engine (a real local backend) in PROCESSING, lasts at
least ``processing_s``, and on success stores the mask video as an OSS object whose signed URL
expires ``result_ttl_s`` after the job finished (30 minutes at the service). Injected faults end a
job in PROCESS_FAILED, TIMEOUT_FAILED or LIMIT_RETRY_FAILED instead. Every submission is counted
per input object, which is how tests prove that nothing was submitted (or billed) twice.
"""

from __future__ import annotations

import collections
import json
import logging
import math
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

from mattebox.errors import MatteboxError
from mattebox.tasks import Task

from .engine import JobEngine
from .faults import FaultPlan
from .objects import ObjectStore, StoredObject

__all__ = ["EmulatedJob", "JobRunner", "RESULTS_BUCKET"]

log = logging.getLogger(__name__)

RESULTS_BUCKET = "viapi-videoseg-results"


@dataclass
class EmulatedJob:
    """One job as GetAsyncJobResult describes it."""

    job_id: str
    action: str
    task: Task
    result_field: str  # "VideoUrl" or "VideoURL"
    input_object: StoredObject
    access_key_id: str
    duration_s: float
    status: str = "QUEUING"
    result: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None

    def data(self) -> dict:
        """``Data`` of GetAsyncJobResult."""
        data = {"JobId": self.job_id, "Status": self.status}
        if self.result is not None:
            data["Result"] = self.result
        if self.error_code is not None:
            data["ErrorCode"] = self.error_code
            data["ErrorMessage"] = self.error_message or ""
        return data


_FAULT_OUTCOMES = {
    "process_failed": ("PROCESS_FAILED", "InternalServerError.Algo", "The algorithm call failed (injected)."),
    "timeout_failed": ("TIMEOUT_FAILED", "InternalServerError", "The job timed out (injected)."),
    "limit_retry_failed": ("LIMIT_RETRY_FAILED", "InternalServerError.Busy", "The job exceeded the service's retries (injected)."),
}


class JobRunner:
    """Runs emulated jobs; ``sign_result(bucket, key, expires_at)`` makes their result URLs."""

    def __init__(self, store: ObjectStore, engine: JobEngine, faults: FaultPlan, sign_result: Callable[[str, str, int], str], *,
                 workdir: str, workers: int = 2, queue_s: float = 0.0, processing_s: float = 0.0,
                 result_ttl_s: float = 1800.0, clock: Callable[[], float] = time.time) -> None:
        self.store, self.engine, self.faults, self.sign_result = store, engine, faults, sign_result
        self.workdir = workdir
        self.queue_s, self.processing_s, self.result_ttl_s = queue_s, processing_s, result_ttl_s
        self.clock = clock
        self._jobs: dict[str, EmulatedJob] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="emulator-job")
        self._cancel = threading.Event()
        self.submissions: collections.Counter = collections.Counter()  # "bucket/key" → times submitted
        self.billed_seconds: collections.Counter = collections.Counter()  # action → seconds billed

    def submit(self, job: EmulatedJob) -> None:
        with self._lock:
            self._jobs[job.job_id] = job
            self.submissions[f"{job.input_object.bucket}/{job.input_object.key}"] += 1
        self._pool.submit(self._run, job)

    def get(self, job_id: str) -> EmulatedJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[EmulatedJob]:
        with self._lock:
            return list(self._jobs.values())

    def shutdown(self) -> None:
        self._cancel.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._cancel.wait(seconds)

    def _run(self, job: EmulatedJob) -> None:
        started = time.monotonic()
        self._sleep(self.queue_s)
        job.status = "PROCESSING"
        fault = self.faults.pick(tuple(_FAULT_OUTCOMES), job.action)
        try:
            if fault is not None:
                self._sleep(self.processing_s)
                status, code, message = _FAULT_OUTCOMES[fault]
                self._finish(job, status, error=(code, message))
                return
            result_key = f"{job.job_id}/result.mp4"
            tmp = tempfile.mkdtemp(prefix="job-", dir=self.workdir)
            try:
                ext = os.path.splitext(job.input_object.key)[1].lower() or ".mp4"
                source = os.path.join(tmp, "input" + ext)
                shutil.copyfile(job.input_object.path, source)
                output = os.path.join(tmp, "result.mp4")
                self.engine(job.task, source, output, self._cancel)
                self._sleep(self.processing_s - (time.monotonic() - started - self.queue_s))
                self.store.put_file(RESULTS_BUCKET, result_key, output, "video/mp4")
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            expires = int(self.clock() + self.result_ttl_s)
            url = self.sign_result(RESULTS_BUCKET, result_key, expires)
            with self._lock:
                self.billed_seconds[job.action] += math.ceil(job.duration_s)
            self._finish(job, "PROCESS_SUCCESS", result=json.dumps({job.result_field: url}))
        except MatteboxError as exc:
            self._finish(job, "PROCESS_FAILED", error=(exc.code, exc.message))
        except Exception as exc:  # the engine broke: the service reports an algorithm failure
            log.exception("emulated job %s failed", job.job_id)
            self._finish(job, "PROCESS_FAILED", error=("InternalServerError.Algo", f"{type(exc).__name__}: {exc}"))

    def _finish(self, job: EmulatedJob, status: str, *, result: str | None = None, error: tuple[str, str] | None = None) -> None:
        job.result = result
        if error is not None:
            job.error_code, job.error_message = error
        job.finished = self.clock()
        job.status = status
