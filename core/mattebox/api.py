"""The Python API: run a task on a clip in one call (what the CLI, the emulator and tests use)."""

from __future__ import annotations

import os
import threading
from typing import Any, Iterable, Mapping, Sequence


from .errors import MatteboxError
from .jobs import Job
from .plugins import BackendRegistry, get_plugin_manager, get_registry
from .runner import job_exception, run_job
from .store import JobStore, new_job_id
from .tasks import Task

__all__ = ["create_job", "resume", "run"]


def _registry(registry: BackendRegistry | None, plugins: Iterable[object]) -> BackendRegistry:
    if registry is not None:
        for p in plugins:
            registry.pm.register(p)
        return registry
    return get_registry(get_plugin_manager(plugins=plugins))


def create_job(task: str | Task, source: str | os.PathLike[str], outputs: Sequence[Mapping[str, Any]], *,
               backend: str | None = None, frames: tuple[int, int | None] | None = None,
               options: Mapping[str, Any] | None = None, overwrite: bool = False, store: JobStore | None = None,
               registry: BackendRegistry | None = None, job_id: str | None = None) -> Job:
    """Record a new job (QUEUING) without running it; returns it."""
    task = Task.parse(task)
    store = store or JobStore()
    reg = registry or get_registry()
    name = reg.resolve(task, backend).name
    first, last = (frames if frames is not None else (0, None))
    job = Job(
        id=job_id or new_job_id(), task=task, backend=name, source=os.path.abspath(os.fspath(source)),
        frame_start=int(first), frame_end=None if last is None else int(last),
        outputs=[dict(o) for o in outputs],
        options={"backend_options": dict(options or {}), "overwrite": bool(overwrite)},
    )
    return store.create(job)


def run(task: str | Task, source: str | os.PathLike[str], output: str | os.PathLike[str] | None = None, *,
        kind: str = "matte", backend: str | None = None, frames: tuple[int, int | None] | None = None,
        options: Mapping[str, Any] | None = None, background: str | None = None, premultiply: bool = False,
        start_number: int | None = None, image_layout: str = "shown", outputs: Sequence[Mapping[str, Any]] | None = None,
        overwrite: bool = False,
        job_id: str | None = None, store: JobStore | None = None, registry: BackendRegistry | None = None,
        observers: Iterable[object] = (), cancel: threading.Event | None = None) -> Job:
    """Run ``task`` on ``source`` and write ``output``; returns the finished job or raises :class:`MatteboxError`.

    :param kind: ``matte``, ``keyed`` or ``composite``.
    :param frames: inclusive 0-based source range ``(first, last)``; ``last=None`` means to the end.
    :param options: backend options by name (``{"despill": "average"}``).
    :param image_layout: image sequences of a clip shown turned (phone clips): ``shown`` or ``coded``.
    :param outputs: several outputs at once, as ``[{"kind", "path", ...}]`` (instead of ``output``/``kind``).
    :param observers: pluggy plugins receiving the job events (progress displays).
    """
    if outputs is None:
        if output is None:
            raise MatteboxError("MissingParameter", "no output path given")
        outputs = [{"kind": kind, "path": os.fspath(output), "premultiply": premultiply, "background": background,
                    "start_number": start_number, "image_layout": image_layout}]
    store = store or JobStore()
    reg = _registry(registry, observers)
    job = create_job(task, source, outputs, backend=backend, frames=frames, options=options, overwrite=overwrite,
                     store=store, registry=reg, job_id=job_id)
    done = run_job(job.id, store=store, registry=reg, cancel=cancel)
    exc = job_exception(done)
    if exc is not None:
        raise exc
    return done


def resume(job_id: str, *, store: JobStore | None = None, registry: BackendRegistry | None = None,
           observers: Iterable[object] = (), cancel: threading.Event | None = None) -> Job:
    """Run an interrupted or failed job again (a cloud job continues where it stopped)."""
    store = store or JobStore()
    job = store.get(job_id)
    if job.status.value == "PROCESS_SUCCESS":
        return job
    reg = _registry(registry, observers)
    done = run_job(job.id, store=store, registry=reg, cancel=cancel)
    exc = job_exception(done)
    if exc is not None:
        raise exc
    return done


