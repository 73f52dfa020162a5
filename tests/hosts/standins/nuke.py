"""A stateful stand-in for Nuke's ``nuke`` Python module (Nuke 15/16), for testing host adapters without Nuke.

What it keeps, as Nuke does: a node graph (Root, Groups with their own children, nodes with typed
knobs and inputs), the selection and the ``createNode`` auto-connect, menus (GUI sessions only),
the plugin path and the ``init.py``/``menu.py`` start-up order, ``ProgressTask`` state, and the
main thread: nodes and knobs may only be touched from it, and ``executeInMainThread`` queues calls
for it. It also renders: ``execute(write, first, last)`` evaluates the graph upstream of a Write
(Read of movies and image sequences, Grade, Copy, Premult, Shuffle-free pass-throughs, Groups with
Input/Output) into real files, and :func:`_render` gives a node's RGBA at a frame, so a test can
check what an adapter wired.

Argument shapes follow the Nuke Python API reference; a call Nuke does not have raises
``AttributeError``, a knob a node class does not have raises ``NameError`` (as ``node["x"]`` does in
Nuke), a bad Enumeration value raises ``ValueError``. Harness functions (start-up, event loop,
cancelling a progress task) live in ``nuke_harness``; adapters never call them. The module is split:
``nuke_core`` (session, main thread), ``nuke_knobs``, ``nuke_nodes``, ``nuke_ui`` (progress, menus), ``nuke_render``.
"""

from __future__ import annotations

import os
import sys
import threading

import numpy as np

from nuke_core import MAIN_THREAD, main_only, main_queue, session
from nuke_knobs import (DISABLED, ENDLINE, INVISIBLE, NO_ANIMATION, READ_ONLY, STARTLINE, Array_Knob, Boolean_Knob,  # noqa: F401
                        Channel_Knob, ChannelMask_Knob, ColorChip_Knob, Double_Knob, Enumeration_Knob, File_Knob, Int_Knob,
                        Knob, Multiline_Eval_String_Knob, PyScript_Knob, String_Knob, Tab_Knob, Text_Knob)
from nuke_nodes import FrameRange, Node, _current_group, _make, _parse_args, nodes, root  # noqa: F401
from nuke_ui import Menu, MenuItem, ProgressTask  # noqa: F401

NUKE_VERSION_MAJOR = 15
NUKE_VERSION_MINOR = 1
NUKE_VERSION_STRING = "15.1v3"
GUI = True
env = {"gui": True, "NukeVersionMajor": 15, "NukeVersionMinor": 1, "NukeVersionString": "15.1v3",
       "ExecutablePath": "/usr/local/Nuke15.1v3/Nuke15.1", "nc": False, "indie": False}


def __getattr__(name: str):
    if name == "_session":  # tests read the current session's record
        return session()
    raise AttributeError(f"module 'nuke' has no attribute {name!r} in Nuke's Python API (stand-in)")


def createNode(node: str, args: str = "", inpanel: bool = True):
    """Create ``node`` in the current group, connected to the selected node, and select it (as Nuke's UI does)."""
    main_only("createNode")
    selected = [n for n in _current_group()._children if n._knobs["selected"]._value]
    new = _make(node, _parse_args(args))
    if len(selected) == 1 and new.maxInputs() > 0:
        new.setInput(0, selected[0])
    for n in _current_group()._children:
        n._knobs["selected"]._value = False
    new._knobs["selected"]._value = True
    return new


def delete(node: Node) -> None:
    main_only("delete")
    parent = node._parent
    if parent is not None and node in parent._children:
        parent._children.remove(node)
    for sibling in (parent._children if parent is not None else []):
        sibling._inputs = [None if n is node else n for n in sibling._inputs]
    node._alive = False


def toNode(name: str):
    main_only("toNode")
    group = root()
    parts = name.split(".")
    node = None
    for part in parts:
        node = next((c for c in group._children if c._knobs["name"]._value == part), None)
        if node is None:
            return None
        group = node
    return node


def allNodes(filter: str | None = None, group=None, recurseGroups: bool = False) -> list:
    main_only("allNodes")
    group = group or _current_group()
    out = []
    for c in group._children:
        if filter is None or c._class == filter:
            out.append(c)
        if recurseGroups and c._class == "Group":
            out.extend(allNodes(filter, c, True))
    return out


def selectedNode():
    main_only("selectedNode")
    selected = [n for n in _current_group()._children if n._knobs["selected"]._value]
    if not selected:
        raise ValueError("no node selected")
    return selected[-1]


def selectedNodes(filter: str | None = None) -> list:
    main_only("selectedNodes")
    return [n for n in _current_group()._children if n._knobs["selected"]._value and (filter is None or n._class == filter)]


def thisNode():
    main_only("thisNode")
    return session().this_node[-1] if session().this_node else root()


def thisGroup():
    main_only("thisGroup")
    return _current_group()


def message(prompt: str) -> None:
    main_only("message")
    session().messages.append(str(prompt))


def pluginAddPath(args: str, addToSysPath: bool = True) -> None:
    path = os.path.abspath(os.path.expanduser(args))
    if path not in session().plugin_path:
        session().plugin_path.insert(0, path)
        if addToSysPath and path not in sys.path:
            sys.path.insert(0, path)


def pluginPath() -> list:
    return list(session().plugin_path)


def executeInMainThread(call, args=(), kwargs=None) -> None:
    if not callable(call):
        raise TypeError("executeInMainThread(call, args=(), kwargs={}) takes a callable")
    if not isinstance(args, tuple):
        args = (args,)
    main_queue.put((call, args, dict(kwargs or {}), None))


def executeInMainThreadWithResult(call, args=(), kwargs=None):
    if not isinstance(args, tuple):
        args = (args,)
    if threading.current_thread() is MAIN_THREAD:
        return call(*args, **dict(kwargs or {}))
    box: dict = {"done": threading.Event()}
    main_queue.put((call, args, dict(kwargs or {}), box))
    box["done"].wait()
    if "error" in box:
        raise box["error"]
    return box.get("result")


def menu(name: str) -> Menu:
    if not GUI:
        raise RuntimeError("nuke.menu: there are no menus in a terminal session (nuke -t) (stand-in)")
    main_only("menu")
    if name not in ("Nuke", "Nodes", "Pane", "Node Graph", "Viewer", "Properties", "Animation", "Axis"):
        return None
    return session().menus.setdefault(name, Menu(name))


def toolbar(name: str, create: bool = True) -> Menu:
    return menu(name)


# ------------------------------------------------------------------------------------------------------- render


def execute(nameOrNode, start=None, end=None, incr: int = 1, views=None, continueOnError: bool = False) -> None:
    """Render a Write node over ``start``..``end`` (inclusive), like ``nuke.execute``."""
    main_only("execute")
    node = toNode(nameOrNode) if isinstance(nameOrNode, str) else nameOrNode
    if node is None or node._class != "Write":
        raise RuntimeError(f"{nameOrNode}: cannot execute (not a Write node)")
    first = root().firstFrame() if start is None else int(start)
    last = root().lastFrame() if end is None else int(end)
    if node.input(0) is None:
        raise RuntimeError(f"{node.name()}: no input connected")
    from nuke_render import write_frames

    path = node["file"].value()
    if not path:
        raise RuntimeError(f"{node.name()}: no file name given")
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        if node["create_directories"].value():
            os.makedirs(folder, exist_ok=True)
        else:
            raise RuntimeError(f"Write failed: cannot create {path}: the folder does not exist")
    write_frames(node, first, last, incr)
    session().executed.append((node.fullName(), first, last))


def _render(node: Node, frame: int) -> np.ndarray:
    """RGBA float32 of ``node`` at ``frame`` (test helper, like viewing the node)."""
    from nuke_render import render

    return render(node, frame)
