"""Shared state of the ``nuke`` stand-in: the session (script, menus, progress tasks), the main thread and its queue.

Nodes and knobs may only be touched on the main thread (:func:`main_only`); calls queued with
``nuke.executeInMainThread`` wait in :data:`main_queue` until the harness runs Nuke's event loop.
"""

from __future__ import annotations

import queue
import threading

MAIN_THREAD = threading.main_thread()
main_queue: "queue.Queue" = queue.Queue()
local = threading.local()  # the group context stack (``with group:``) is per thread, as in Nuke


class Session:
    """One Nuke script and UI: what ``nuke_harness.reset`` starts afresh."""

    def __init__(self) -> None:
        self.root = None
        self.plugin_path: list[str] = []
        self.menus: dict = {}
        self.progress_tasks: list = []
        self.messages: list[str] = []
        self.this_node: list = []
        self.executed: list[tuple] = []


class _Holder:
    session = Session()


def session() -> Session:
    return _Holder.session


def reset_session() -> None:
    _Holder.session = Session()
    if hasattr(local, "stack"):
        del local.stack
    while not main_queue.empty():
        main_queue.get_nowait()


def main_only(what: str) -> None:
    if threading.current_thread() is not MAIN_THREAD:
        raise RuntimeError(f"nuke: {what} touched from thread {threading.current_thread().name!r}; "
                           "use nuke.executeInMainThread (stand-in)")
