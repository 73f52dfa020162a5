"""The plugin manager and the backend registry.

Discovery order: the built-in backends and any third-party package are all found through the
``mattebox`` entry-point group (``MATTEBOX_DISABLE_PLUGIN_AUTOLOAD=1`` turns entry points off, for
tests and for debugging a broken install). A plugin that fails to import is logged and skipped, and
``mattebox plugins`` shows why.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Iterable

import pluggy

from . import hookspecs
from .backend import Backend
from .errors import BackendNotFoundError, MatteboxError
from .tasks import Task

__all__ = ["BackendRegistry", "get_plugin_manager", "get_registry"]

log = logging.getLogger(__name__)

PROJECT = "mattebox"
ENTRY_POINT_GROUP = "mattebox"


@dataclass
class PluginFailure:
    """A plugin that could not be loaded, and why."""

    name: str
    error: str


@dataclass
class BackendRegistry:
    """The loaded plugin manager, its backends by name, and what failed to load."""

    pm: pluggy.PluginManager
    backends: dict[str, Backend] = field(default_factory=dict)
    failures: list[PluginFailure] = field(default_factory=list)

    def get(self, name: str) -> Backend:
        """The backend named ``name``; raises :class:`BackendNotFoundError` listing the others."""
        try:
            return self.backends[name]
        except KeyError:
            raise BackendNotFoundError(name, list(self.backends)) from None

    def resolve(self, task: Task, name: str | None = None) -> Backend:
        """The backend to run ``task``: ``name`` if given, else the plugins' default for the task."""
        if name is None:
            name = self.pm.hook.mattebox_default_backend(task=task)
            if name is None:
                # never fall back silently onto a remote (paid, uploading) backend
                offering = [b.name for b in self.backends.values()
                            if b.tasks().get(task, None) and b.tasks()[task].offered and not getattr(b, "remote", False)]
                if not offering:
                    raise MatteboxError("Backend.NotFound", f"no local backend offers the task {task.value!r}",
                                        hint="name one with --backend (`mattebox plugins` lists them)")
                name = offering[0]
        backend = self.get(name)
        support = backend.tasks().get(task)
        if support is None or not support.offered:
            others = [b.name for b in self.backends.values() if b.name != backend.name and b.tasks().get(task) and b.tasks()[task].offered]
            note = f" ({support.note})" if support is not None and support.note else ""
            raise MatteboxError(
                "Backend.TaskNotOffered",
                f"backend {backend.name!r} does not offer {task.value!r}{note}",
                hint=f"use --backend {others[0]}" if others else "no installed backend offers it",
            )
        return backend


def get_plugin_manager(*, autoload: bool | None = None, plugins: Iterable[object] = ()) -> pluggy.PluginManager:
    """A plugin manager with mattebox's hook specs, entry points loaded (unless disabled), and ``plugins`` registered."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    if autoload is None:
        autoload = not os.environ.get("MATTEBOX_DISABLE_PLUGIN_AUTOLOAD")
    for plugin in plugins:
        pm.register(plugin)
    if autoload:
        _load_entry_points(pm)
    pm.check_pending()
    return pm


def _load_entry_points(pm: pluggy.PluginManager) -> None:
    from importlib.metadata import entry_points

    failures = pm.__dict__.setdefault("_mattebox_failures", [])
    seen: set[str] = set()
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in seen or pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
            continue
        seen.add(ep.name)
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except Exception as exc:  # a broken plugin must not break the tool
            log.warning("mattebox plugin %r failed to load and was skipped: %s: %s (details: mattebox --debug plugins)",
                        ep.name, type(exc).__name__, exc)
            log.debug("traceback of plugin %r", ep.name, exc_info=True)
            failures.append(PluginFailure(ep.name, f"{type(exc).__name__}: {exc}"))


def get_registry(pm: pluggy.PluginManager | None = None) -> BackendRegistry:
    """Collect the backends of every registered plugin into a :class:`BackendRegistry`."""
    pm = pm or get_plugin_manager()
    registry = BackendRegistry(pm=pm, failures=list(pm.__dict__.get("_mattebox_failures", [])))
    for impl in pm.hook.mattebox_backends.get_hookimpls():
        try:
            provided = impl.function() or []
        except Exception as exc:
            log.exception("plugin %r failed to list its backends; skipped", impl.plugin_name)
            registry.failures.append(PluginFailure(impl.plugin_name, f"{type(exc).__name__}: {exc}"))
            continue
        for backend in provided:
            if backend.name in registry.backends:
                log.warning("backend %r from %r shadows an earlier one", backend.name, impl.plugin_name)
            registry.backends[backend.name] = backend
    return registry
