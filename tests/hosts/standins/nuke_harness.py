"""The user's hands in the ``nuke`` stand-in: start a session, run the UI event loop, press buttons, cancel.

Adapters never import this; tests do.
"""

from __future__ import annotations

import os
import time

import nuke
import nuke_core


def reset(*, gui: bool = True) -> None:
    """A fresh Nuke session (an empty script), GUI or terminal (``nuke -t``)."""
    nuke_core.reset_session()
    nuke.GUI = gui
    nuke.env["gui"] = gui


def startup(home: str, nuke_path: list[str] | None = None) -> list[str]:
    """Run Nuke's start-up: ``init.py`` of every plugin-path folder (``NUKE_PATH``, then ``~/.nuke``;
    folders added by ``pluginAddPath`` are run too), then ``menu.py`` of each in a GUI session.

    Returns the files executed, in order.
    """
    pending = list(nuke_path or []) + [os.path.join(home, ".nuke")]
    for p in reversed(pending):
        nuke.pluginAddPath(p)
    ran: list[str] = []
    done: set[str] = set()
    while True:
        todo = [p for p in nuke.pluginPath() if p not in done]
        if not todo:
            break
        folder = todo[0]
        done.add(folder)
        _run(os.path.join(folder, "init.py"), ran)
    if nuke.GUI:
        for folder in nuke.pluginPath():
            _run(os.path.join(folder, "menu.py"), ran)
    return ran


def _run(path: str, ran: list[str]) -> None:
    if os.path.isfile(path):
        ran.append(path)
        with open(path, encoding="utf-8") as fh:
            code = compile(fh.read(), path, "exec")
        exec(code, {"__file__": path, "__name__": "__main__", "__builtins__": __builtins__})


def process_events(until=None, timeout: float = 30.0) -> None:
    """Run queued ``executeInMainThread`` calls (Nuke's UI loop) until ``until()`` is true, or the queue is empty."""
    deadline = time.monotonic() + timeout
    while True:
        if until is not None and until():
            return
        try:
            call, args, kwargs, box = nuke_core.main_queue.get(timeout=0.01)
        except Exception:
            if until is None:
                return
            if time.monotonic() > deadline:
                raise AssertionError("nuke stand-in: the condition did not come true before the deadline")
            continue
        try:
            result = call(*args, **kwargs)
            if box is not None:
                box["result"] = result
        except BaseException as exc:
            if box is None:
                raise
            box["error"] = exc
        finally:
            if box is not None:
                box["done"].set()


def press(node, knob: str) -> None:
    """Click a button knob in the node's properties."""
    node[knob].execute()


def invoke(menu_name: str, path: str) -> None:
    item = nuke.menu(menu_name).findItem(path)
    assert item is not None, f"no {path} in the {menu_name} menu"
    item.invoke()


def progress_tasks() -> list:
    return list(nuke_core.session().progress_tasks)


def cancel(task) -> None:
    """The user clicks Cancel on a progress dialog."""
    task._cancelled.set()


def messages() -> list[str]:
    return list(nuke_core.session().messages)
