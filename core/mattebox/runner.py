"""Run one job from the job store: probe, check limits, prepare the backend, stream, finalise.

Every path ends in a final status written to the store: PROCESS_SUCCESS with the outputs, a failure
status with the error's code, or CANCELLED. Outputs are renamed into place only on success. Progress
and liveness (a heartbeat) go to the store about once a second, which is also where a cancel asked
for by another process (a host, ``mattebox jobs cancel``) is noticed.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
import traceback
from typing import Any, Mapping

import pluggy

from .backend import Backend, Option
from .errors import CancelledError, MatteboxError
from .jobs import Job, JobStatus
from .limits import check_limits
from .media.encoders import check_orientation_writable
from .media.probe import MediaInfo, probe
from .media.reader import VideoReader, parse_frame_range
from .outputs import plan_output
from .paths import work_dir
from .pipeline import run_pipeline
from .plugins import BackendRegistry
from .render import OutputWriter
from .store import JobStore
from . import upright
from .tasks import Task

__all__ = ["JobRunContext", "resolve_options", "run_job"]

log = logging.getLogger(__name__)

_HEARTBEAT_S = 1.0
_PROGRESS_S = 0.25

# A backend may mark an error with the job status it implies (e.g. a remote TIMEOUT_FAILED).
_STATUS_ATTR = "job_status"


def resolve_options(backend: Backend, task: Task, given: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every option of ``backend`` for ``task``: defaults, overridden by ``given`` (strings are parsed).

    Raises ``InvalidParameter`` for unknown names or unparsable values, listing the valid ones.
    """
    specs: dict[str, Option] = {o.key: o for o in backend.options(task)}
    values = {key: o.default for key, o in specs.items()}
    for raw_key, value in (given or {}).items():
        key = raw_key.replace("-", "_")
        if key not in specs:
            known = ", ".join(sorted(o.name for o in specs.values())) or "none"
            raise MatteboxError("InvalidParameter", f"backend {backend.name!r} has no option {raw_key!r}; its options: {known}")
        spec = specs[key]
        if spec.choices is not None:
            allowed = [str(c) for c in spec.choices]
            if isinstance(value, str):
                ok = value.strip().lower() in [a.lower() for a in allowed]
            else:  # an already parsed value (API callers): compare with the parsed choices
                ok = any(_safe_parse(spec, c) == value for c in allowed)
            if not ok:
                raise MatteboxError("InvalidParameter", f"--{spec.name} {value!r}: choose one of {', '.join(allowed)}")
        if isinstance(value, str) and spec.parse is not str:
            try:
                value = spec.parse(value)
            except (ValueError, TypeError) as exc:
                raise MatteboxError("InvalidParameter.Format", f"--{spec.name} {value!r}: {exc}") from None
        values[key] = value
    return values


def _safe_parse(spec: Option, text: str) -> Any:
    try:
        return spec.parse(text)
    except (ValueError, TypeError):
        return text


class JobRunContext:
    """The :class:`~mattebox.backend.JobContext` handed to a backend's processor."""

    def __init__(self, job: Job, source: MediaInfo, frame_start: int, frame_count: int, store: JobStore,
                 cancel: threading.Event, events: "_Events", *, wants_foreground: bool = True) -> None:
        self.job_id = job.id
        self.source = source
        self.frame_start = frame_start
        self.frame_count = frame_count
        self.workdir = str(work_dir(job.id))
        self.wants_foreground = wants_foreground
        self._store = store
        self._cancel = cancel
        self._events = events
        self._remote = dict(job.remote or {})

    def report(self, stage: str, fraction: float, message: str = "") -> None:
        self._events.stage(stage, fraction, message)

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def remote_state(self) -> dict[str, Any]:
        return dict(self._remote)

    def save_remote_state(self, state: Mapping[str, Any]) -> None:
        self._remote = dict(state)
        self._store.set_remote(self.job_id, self._remote)


class _Events:
    """Throttled progress events, heartbeats and remote-cancel polling for one job.

    The heartbeat (progress and liveness in the job store, and a look for a cancel asked by another
    process) is written once a second by a thread of its own: an SQLite commit (with a WAL checkpoint
    and ``fdatasync``) can block on a slow disk, and the encoder thread, where progress is
    reported, must not wait for it; the heartbeat also goes on while a backend prepares (uploads).
    """

    def __init__(self, job: Job, store: JobStore, pm: pluggy.PluginManager, cancel: threading.Event) -> None:
        self.job, self.store, self.pm, self.cancel = job, store, pm, cancel
        self.total = max(1, job.frames_total)
        self._last_emit = 0.0
        self._t0 = time.perf_counter()
        self._frames = 0
        self._stop = threading.Event()
        self._beater: threading.Thread | None = None

    @property
    def frames_done(self) -> int:
        return self._frames

    def frames(self, done: int) -> None:
        now = time.perf_counter()
        self._frames = done
        if done < self.total and now - self._last_emit < _PROGRESS_S:
            return
        self._last_emit = now
        elapsed = now - self._t0
        fps = done / elapsed if elapsed > 0 else 0.0
        self.job.frames_done = done
        self.job.progress = done / self.total
        self.pm.hook.mattebox_job_progress(job=self.job, frame=done, total=self.total, fps=fps, stage="frames", message="")

    def start_frames(self) -> None:
        self._t0 = time.perf_counter()

    def stage(self, stage: str, fraction: float, message: str = "") -> None:
        now = time.perf_counter()
        if fraction < 1.0 and not message and now - self._last_emit < _PROGRESS_S:
            return
        self._last_emit = now
        frac = min(max(fraction, 0.0), 1.0)
        self.pm.hook.mattebox_job_progress(job=self.job, frame=int(frac * 1000), total=1000, fps=0.0, stage=stage, message=message)

    def start_heartbeat(self) -> None:
        """Start writing the heartbeat every ``_HEARTBEAT_S`` seconds until :meth:`stop_heartbeat`."""
        if self._beater is None:
            self._beater = threading.Thread(target=self._beat_loop, name="mattebox-heartbeat", daemon=True)
            self._beater.start()

    def stop_heartbeat(self) -> None:
        """Stop the heartbeat (a write under way finishes first); safe to call more than once."""
        self._stop.set()
        if self._beater is not None:
            self._beater.join(timeout=60)
            self._beater = None

    def _beat_loop(self) -> None:
        while not self._stop.wait(_HEARTBEAT_S):
            if not self._beat():
                return

    def _beat(self) -> bool:
        """Write one heartbeat; False once there is no job to beat for (stop beating)."""
        try:
            if self.store.heartbeat(self.job.id, frames_done=self._frames, progress=self._frames / self.total):
                log.info("job %s: cancel requested from another process", self.job.id)
                self.cancel.set()
        except MatteboxError as exc:  # the job's record is gone: its result could not be recorded either
            log.warning("job %s: %s; cancelling", self.job.id, exc)
            self.cancel.set()
            return False
        except Exception:  # a locked store must not kill the job
            log.warning("job %s: could not write the heartbeat", self.job.id, exc_info=True)
        return True


def run_job(job_id: str, *, store: JobStore, registry: BackendRegistry, cancel: threading.Event | None = None) -> Job:
    """Run the stored job ``job_id`` to a final status and return it (never raises for job errors).

    :param cancel: set it (e.g. on Ctrl-C) to cancel; another process can cancel through the store.
    """
    cancel = cancel or threading.Event()
    job = store.claim(job_id)
    pm = registry.pm
    events = _Events(job, store, pm, cancel)
    writers: list[OutputWriter] = []
    error: MatteboxError | None = None
    processor = None
    pm.hook.mattebox_job_started(job=job)
    events.start_heartbeat()
    try:
        source = probe(job.source)
        frames = parse_frame_range((job.frame_start, job.frame_end), source.video.frame_count)
        job.frames_total = frames.count
        events.total = frames.count
        store.update(job.id, frames_total=frames.count, frame_end=frames.last)
        backend = registry.resolve(job.task, job.backend)
        check_limits(backend.limits(job.task), source, frames.count)
        options = resolve_options(backend, job.task, job.options.get("backend_options"))
        specs = [
            plan_output(o["kind"], o["path"], premultiply=o.get("premultiply", False), background=o.get("background"),
                        start_number=o.get("start_number"), overwrite=bool(job.options.get("overwrite")),
                        image_layout=o.get("image_layout"))
            for o in job.outputs
        ]
        if not specs:
            raise MatteboxError("MissingParameter", "the job has no output (-o PATH)")
        for spec in specs:
            if not spec.is_sequence:
                check_orientation_writable(source, spec.path)
        reader = VideoReader(source, frames)
        context = JobRunContext(job, source, frames.first, frames.count, store, cancel, events,
                                wants_foreground=any(spec.kind != "matte" for spec in specs))
        processor = upright.for_source(backend, backend.create(job.task, options, context), source)
        processor.prepare()
        if cancel.is_set():
            raise CancelledError()
        duration = frames.count / float(source.video.frame_rate)
        for spec in specs:
            writers.append(OutputWriter(spec, source, reader.time_base, duration=duration, token=job.id,
                                        first_frame=frames.first))
        events.start_frames()
        stats = run_pipeline(reader, processor, writers, cancel=cancel, on_frame=events.frames)
        if stats.frames != frames.count:
            raise MatteboxError("InternalServerError", f"wrote {stats.frames} of {frames.count} frames")
        records = [w.close() for w in writers]
        writers.clear()
        events.stop_heartbeat()  # (before the final status: no heartbeat after it)
        log.info("job %s: %d frames in %.1f s (process %.1f s, write %.1f s)", job.id, stats.frames, stats.wall, stats.process, stats.write)
        store.update(job.id, status=JobStatus.PROCESS_SUCCESS, outputs=records, progress=1.0, frames_done=stats.frames,
                     finished=time.time(), error=None)
        shutil.rmtree(context.workdir, ignore_errors=True)
    except KeyboardInterrupt:
        error = CancelledError("interrupted (Ctrl-C)")
    except MatteboxError as exc:
        error = exc
    except MemoryError:
        error = MatteboxError("InternalServerError", "out of memory", hint="process a shorter --frames range or a smaller clip")
    except Exception as exc:  # a bug or an unexpected library failure: keep the traceback in the log
        log.debug("job %s failed:\n%s", job.id, traceback.format_exc())
        error = MatteboxError("InternalServerError", f"{type(exc).__name__}: {exc}")
        error.__cause__ = exc
    finally:
        events.stop_heartbeat()
        for w in writers:
            w.abort()
        if processor is not None:
            try:
                processor.close()
            except Exception:
                log.warning("job %s: the backend failed to close", job.id, exc_info=True)
    if error is not None:
        status = getattr(error, _STATUS_ATTR, None)
        if error.code == "Job.Cancelled":
            status = JobStatus.CANCELLED
        store.update(job.id, status=status or JobStatus.PROCESS_FAILED, error=error.to_dict(), finished=time.time(),
                     frames_done=events.frames_done, progress=events.frames_done / events.total)
    final = store.get(job.id)
    pm.hook.mattebox_job_finished(job=final, error=final.error if error is not None else None)
    if error is not None:
        final.__dict__["exception"] = error
    return final


def describe_error(job: Job) -> str:
    """``Code: message`` for a failed job (hosts show this)."""
    if not job.error:
        return ""
    return f"{job.error.get('code')}: {job.error.get('message')}"


def job_exception(job: Job) -> MatteboxError | None:
    """The :class:`MatteboxError` a failed :func:`run_job` recorded, if any."""
    exc = job.__dict__.get("exception")
    if exc is None and job.error:
        exc = MatteboxError(job.error.get("code", "InternalServerError"), job.error.get("message", ""), hint=job.error.get("hint"))
    return exc


def ensure_abs(path: str) -> str:
    return os.path.abspath(os.path.expanduser(path))
