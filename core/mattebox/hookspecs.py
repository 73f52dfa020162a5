"""Hook specifications: the contract between mattebox and its plugins.

Plugins implement these with :data:`mattebox.hookimpl` and register through the ``mattebox``
entry-point group (the built-in backends do exactly the same). Hooks are always called with keyword
arguments, so an implementation may accept fewer arguments than its spec.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import pluggy

if TYPE_CHECKING:  # pragma: no cover
    import argparse

    from .backend import Backend
    from .jobs import Job
    from .tasks import Task

hookspec = pluggy.HookspecMarker("mattebox")

# -------------------------------------------------------------------------
# Backends
# -------------------------------------------------------------------------


@hookspec
def mattebox_backends() -> "Sequence[Backend]":
    """Return the backends this plugin provides.

    Listing backends must stay cheap: import heavy dependencies (onnxruntime, requests) only in
    :meth:`Backend.create`.

    :returns: a sequence of objects satisfying :class:`mattebox.backend.Backend`.
    """


@hookspec(firstresult=True)
def mattebox_default_backend(task: "Task") -> "str | None":
    """Name the backend to use for ``task`` when the user names none.

    Stops at first non-None result. Built-in defaults are ``trylast`` so that a plugin can take over.

    :param task: the task to be run.
    :returns: a backend name, or ``None`` to let other plugins decide.
    """


# -------------------------------------------------------------------------
# Command line
# -------------------------------------------------------------------------


@hookspec
def mattebox_add_commands(subparsers: "argparse._SubParsersAction") -> None:
    """Add sub-commands to the ``mattebox`` CLI (e.g. ``models``, ``emulate``).

    A command sets ``func=callable(args) -> int`` with ``set_defaults``.

    :param subparsers: the CLI's sub-parser collection.
    """


@hookspec
def mattebox_doctor() -> "Sequence[tuple[str, str]]":
    """Return ``(label, value)`` lines for ``mattebox doctor`` (versions, providers, paths).

    :returns: lines to print under this plugin's name.
    """


# -------------------------------------------------------------------------
# Job events (observers: the CLI's progress display, hosts' logs)
# -------------------------------------------------------------------------


@hookspec
def mattebox_job_started(job: "Job") -> None:
    """A job left QUEUING and started processing.

    :param job: the job as stored.
    """


@hookspec
def mattebox_job_progress(job: "Job", frame: int, total: int, fps: float, stage: str, message: str) -> None:
    """A job made progress. Called at most a few times per second (and at once when ``message`` is set).

    :param job: the job.
    :param frame: frames finished so far (or, for a non-frame ``stage``, units of that stage).
    :param total: frames (units) in all.
    :param fps: current processing speed in frames per second (0 for non-frame stages).
    :param stage: ``frames`` while frames are processed, or a backend stage such as ``upload``.
    :param message: a line for the user from the backend (e.g. the estimated charge), or ``""``.
    """


@hookspec
def mattebox_job_finished(job: "Job", error: "dict[str, Any] | None") -> None:
    """A job reached a final status (success, failure or cancellation).

    :param job: the job, with its final status and outputs.
    :param error: ``{"code", "message", "hint"}`` when it did not succeed, else ``None``.
    """
