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
cancelling a progress task) live in ``nuke_harness``; adapters never call them.
"""

from __future__ import annotations

import os
import queue
import re
import sys
import threading
from collections import OrderedDict

import numpy as np

NUKE_VERSION_MAJOR = 15
NUKE_VERSION_MINOR = 1
NUKE_VERSION_STRING = "15.1v3"
GUI = True
env = {"gui": True, "NukeVersionMajor": 15, "NukeVersionMinor": 1, "NukeVersionString": "15.1v3",
       "ExecutablePath": "/usr/local/Nuke15.1v3/Nuke15.1", "nc": False, "indie": False}

# knob flags (values as in Nuke's headers)
DISABLED = 0x80
NO_ANIMATION = 0x100
INVISIBLE = 0x400
STARTLINE = 0x1000
ENDLINE = 0x2000
READ_ONLY = 0x10000000

_main_thread = threading.main_thread()
_main_queue: "queue.Queue" = queue.Queue()
_state = threading.local()


class _Session:
    def __init__(self) -> None:
        self.root = None
        self.context = None
        self.plugin_path: list[str] = []
        self.menus: dict = {}
        self.progress_tasks: list = []
        self.messages: list[str] = []
        self.this_node = []
        self.executed: list[tuple] = []


_session = _Session()


def _main_only(what: str) -> None:
    if threading.current_thread() is not _main_thread:
        raise RuntimeError(f"nuke: {what} touched from thread {threading.current_thread().name!r}; "
                           "use nuke.executeInMainThread (stand-in)")


def __getattr__(name: str):
    raise AttributeError(f"module 'nuke' has no attribute {name!r} in Nuke's Python API (stand-in)")


# --------------------------------------------------------------------------------------------------------- knobs


class Knob:
    _default = ""

    def __init__(self, name: str, label: str | None = None, *args) -> None:
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"invalid knob name {name!r}")
        self._name = name
        self._label = label if label is not None else name
        self._value = self._default
        self._flags = 0
        self._tooltip = ""
        self._node = None

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(f"{type(self).__name__} has no {name}() in Nuke's API (stand-in)")

    def name(self) -> str:
        return self._name

    def label(self) -> str:
        return self._label

    def setLabel(self, label: str) -> None:
        self._label = label

    def node(self):
        return self._node

    def _touch(self) -> None:
        _main_only(f"knob {self._name}")

    def value(self):
        self._touch()
        return self._value

    def getValue(self):
        self._touch()
        return self._value

    def _coerce(self, value):
        return value

    def setValue(self, value, *args) -> bool:
        self._touch()
        self._value = self._coerce(value)
        if self._node is not None:
            self._node._knob_changed(self)
        return True

    def setFlag(self, flag: int) -> None:
        self._flags |= flag

    def clearFlag(self, flag: int) -> None:
        self._flags &= ~flag

    def getFlag(self, flag: int) -> bool:
        return bool(self._flags & flag)

    def setEnabled(self, enabled: bool) -> None:
        self._touch()
        if enabled:
            self.clearFlag(DISABLED)
        else:
            self.setFlag(DISABLED)

    def enabled(self) -> bool:
        return not self.getFlag(DISABLED)

    def setVisible(self, visible: bool) -> None:
        if visible:
            self.clearFlag(INVISIBLE)
        else:
            self.setFlag(INVISIBLE)

    def visible(self) -> bool:
        return not self.getFlag(INVISIBLE)

    def setTooltip(self, text: str) -> None:
        self._tooltip = text

    def tooltip(self) -> str:
        return self._tooltip


class String_Knob(Knob):
    _default = ""

    def _coerce(self, value):
        if not isinstance(value, str):
            raise TypeError(f"{self._name}: a string knob takes a str, not {type(value).__name__}")
        return value


class File_Knob(String_Knob):
    def evaluate(self, *args) -> str:
        return self.value()

    def getEvaluatedValue(self, *args) -> str:
        return self.value()

    def fromUserText(self, text: str) -> None:
        self.setValue(text)


class Text_Knob(Knob):
    def __init__(self, name: str, label: str | None = None, text: str = "") -> None:
        super().__init__(name, label)
        self._value = text

    def _coerce(self, value):
        return str(value)


class Multiline_Eval_String_Knob(String_Knob):
    pass


class Int_Knob(Knob):
    _default = 0

    def _coerce(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{self._name}: an Int_Knob takes a number, not {type(value).__name__}")
        return int(value)


class Double_Knob(Int_Knob):
    _default = 0.0

    def _coerce(self, value):
        super()._coerce(value)
        return float(value)


class Array_Knob(Double_Knob):
    pass


class Boolean_Knob(Knob):
    _default = False

    def _coerce(self, value):
        return bool(value)


class ColorChip_Knob(Int_Knob):
    pass


class Enumeration_Knob(Knob):
    def __init__(self, name: str, label: str | None = None, values: list | None = None) -> None:
        super().__init__(name, label)
        if values is None or not isinstance(values, (list, tuple)):
            raise TypeError("Enumeration_Knob(name, label, values: list)")
        self._values = [str(v) for v in values]
        self._value = 0

    def values(self) -> list:
        return list(self._values)

    def setValues(self, values: list) -> None:
        self._values = [str(v) for v in values]
        self._value = min(self._value, max(0, len(self._values) - 1))

    def value(self) -> str:
        self._touch()
        return self._values[self._value] if self._values else ""

    def getValue(self) -> float:
        self._touch()
        return float(self._value)

    def _coerce(self, value):
        if isinstance(value, str):
            if value not in self._values:
                raise ValueError(f"{self._name}: {value!r} is not one of {self._values}")
            return self._values.index(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= int(value) < len(self._values):
            return int(value)
        raise ValueError(f"{self._name}: invalid value {value!r}")


class Channel_Knob(String_Knob):
    _default = "none"

    def _coerce(self, value):
        value = super()._coerce(value)
        if value != "none" and not re.fullmatch(r"rgba\.(red|green|blue|alpha)", value):
            raise ValueError(f"{self._name}: unknown channel {value!r}")
        return value


class ChannelMask_Knob(String_Knob):
    _default = "rgba"


class PyScript_Knob(Knob):
    def __init__(self, name: str, label: str | None = None, command: str = "") -> None:
        super().__init__(name, label)
        self._value = command

    def command(self) -> str:
        return self._value

    def setCommand(self, command: str) -> None:
        self._value = command

    def execute(self) -> None:
        _main_only("PyScript_Knob.execute")
        _session.this_node.append(self._node)
        try:
            namespace = {"nuke": sys.modules[__name__], "__name__": "__main__"}
            exec(compile(self._value, f"<knob {self._name}>", "exec"), namespace)
        finally:
            _session.this_node.pop()


class Tab_Knob(Knob):
    pass


# --------------------------------------------------------------------------------------------------------- nodes

_COMMON = lambda: [String_Knob("name"), String_Knob("label"), ColorChip_Knob("tile_color"), Boolean_Knob("disable"),
                   Int_Knob("xpos"), Int_Knob("ypos"), Boolean_Knob("selected"), Boolean_Knob("hide_input")]

_CLASS_KNOBS = {
    "Read": lambda: [File_Knob("file"), Int_Knob("first"), Int_Knob("last"), Int_Knob("origfirst"), Int_Knob("origlast"),
                     Enumeration_Knob("before", None, ["hold", "loop", "bounce", "black"]),
                     Enumeration_Knob("after", None, ["hold", "loop", "bounce", "black"]),
                     Enumeration_Knob("on_error", None, ["error", "black", "checkerboard", "nearest frame"]),
                     String_Knob("colorspace"), Boolean_Knob("raw"), Boolean_Knob("premultiplied"),
                     PyScript_Knob("reload", "Reload", "")],
    "Write": lambda: [File_Knob("file"), Enumeration_Knob("file_type", None, [" ", "mov", "exr", "png", "jpeg", "tiff", "dpx"]),
                      Enumeration_Knob("mov64_codec", None, ["ap4h", "apch", "apcn", "apcs", "apco", "appr", "jpeg", "AVdn", "h264"]),
                      Enumeration_Knob("datatype", None, ["8 bit", "16 bit"]), Boolean_Knob("create_directories"),
                      ChannelMask_Knob("channels"), String_Knob("colorspace"), Boolean_Knob("raw"), Boolean_Knob("use_limit"),
                      Int_Knob("first"), Int_Knob("last")],
    "Copy": lambda: [Channel_Knob("from0"), Channel_Knob("to0"), Channel_Knob("from1"), Channel_Knob("to1"), Double_Knob("mix")],
    "Premult": lambda: [ChannelMask_Knob("channels"), Channel_Knob("alpha")],
    "Grade": lambda: [Double_Knob("white"), Double_Knob("add"), Double_Knob("mix")],
    "Input": lambda: [Int_Knob("number")],
    "Output": lambda: [],
    "Dot": lambda: [],
    "NoOp": lambda: [],
    "Group": lambda: [],
    "Root": lambda: [Int_Knob("first_frame"), Int_Knob("last_frame"), Double_Knob("fps"), String_Knob("format")],
}
_MAX_INPUTS = {"Read": 0, "Write": 1, "Copy": 2, "Premult": 1, "Grade": 1, "Input": 0, "Output": 1, "Dot": 1, "NoOp": 1,
               "Root": 0}
_DEFAULTS = {"Read": {"first": 1, "last": 1, "origfirst": 1, "origlast": 1}, "Copy": {"from0": "rgba.alpha", "to0": "rgba.alpha", "mix": 1.0},
             "Premult": {"alpha": "rgba.alpha"}, "Grade": {"white": 1.0, "mix": 1.0}, "Root": {"first_frame": 1, "last_frame": 100, "fps": 24.0},
             "Write": {"channels": "rgb"}}


class FrameRange:
    def __init__(self, first: int, last: int) -> None:
        self._first, self._last = int(first), int(last)

    def first(self) -> int:
        return self._first

    def last(self) -> int:
        return self._last

    def frames(self) -> int:
        return self._last - self._first + 1


class Node:
    def __init__(self, cls: str, parent=None) -> None:
        if cls not in _CLASS_KNOBS:
            raise RuntimeError(f"{cls}: unknown command (no such node class in this stand-in)")
        self._class = cls
        self._knobs: "OrderedDict[str, Knob]" = OrderedDict()
        for k in _COMMON() + _CLASS_KNOBS[cls]():
            self._attach(k)
        for name, value in _DEFAULTS.get(cls, {}).items():
            self._knobs[name]._value = self._knobs[name]._coerce(value)
        self._inputs: list = []
        self._parent = parent
        self._children: list = []
        self._alive = True
        self._user_max_inputs = None

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(f"'{self._class}' node has no {name}() in Nuke's API (stand-in)")

    def _attach(self, knob: Knob) -> None:
        knob._node = self
        self._knobs[knob.name()] = knob

    def _knob_changed(self, knob: Knob) -> None:
        if knob.name() == "selected":
            pass

    def _touch(self) -> None:
        _main_only(f"node {self._knobs['name']._value or self._class}")
        if not self._alive:
            raise ValueError("PythonObject not attached to a node (the node was deleted)")

    def Class(self) -> str:
        return self._class

    def name(self) -> str:
        self._touch()
        return "Root" if self._class == "Root" else self._knobs["name"]._value

    def fullName(self) -> str:
        self._touch()
        parts = []
        node = self
        while node is not None and node._class != "Root":
            parts.append(node._knobs["name"]._value)
            node = node._parent
        return ".".join(reversed(parts))

    def setName(self, name: str, uncollide: bool = True, updateExpressions: bool = False) -> None:
        self._touch()
        self._knobs["name"]._value = _unique_name(self._parent, name, exclude=self)

    def knob(self, name):
        self._touch()
        if isinstance(name, int):
            return list(self._knobs.values())[name]
        return self._knobs.get(name)

    def __getitem__(self, name: str) -> Knob:
        self._touch()
        if name not in self._knobs:
            raise NameError(f"knob {name} does not exist")
        return self._knobs[name]

    def knobs(self) -> dict:
        self._touch()
        return dict(self._knobs)

    def addKnob(self, knob: Knob) -> None:
        self._touch()
        if not isinstance(knob, Knob):
            raise TypeError("addKnob takes a Knob")
        if knob.name() in self._knobs:
            raise ValueError(f"knob {knob.name()} already exists")
        self._attach(knob)

    def removeKnob(self, knob: Knob) -> None:
        self._touch()
        self._knobs.pop(knob.name(), None)

    def maxInputs(self) -> int:
        if self._class == "Group":
            return len([c for c in self._children if c._class == "Input"])
        return _MAX_INPUTS[self._class]

    def input(self, i: int):
        self._touch()
        return self._inputs[i] if 0 <= i < len(self._inputs) else None

    def inputs(self) -> int:
        self._touch()
        return len(self._inputs)

    def setInput(self, i: int, node) -> bool:
        self._touch()
        if node is not None and not isinstance(node, Node):
            raise TypeError("setInput(i, node) takes a Node or None")
        if i < 0 or i >= max(self.maxInputs(), 1 if self._class == "Group" else 0):
            return False
        while len(self._inputs) <= i:
            self._inputs.append(None)
        self._inputs[i] = node
        while self._inputs and self._inputs[-1] is None:
            self._inputs.pop()
        return True

    def dependent(self, what: int = 0, forceEvaluate: bool = True) -> list:
        self._touch()
        siblings = self._parent._children if self._parent is not None else []
        return [n for n in siblings if self in n._inputs]

    def dependencies(self, what: int = 0) -> list:
        self._touch()
        return [n for n in self._inputs if n is not None]

    def xpos(self) -> int:
        return self._knobs["xpos"].value()

    def ypos(self) -> int:
        return self._knobs["ypos"].value()

    def setXYpos(self, x: int, y: int) -> None:
        self._knobs["xpos"].setValue(x)
        self._knobs["ypos"].setValue(y)

    def setXpos(self, x: int) -> None:
        self._knobs["xpos"].setValue(x)

    def setYpos(self, y: int) -> None:
        self._knobs["ypos"].setValue(y)

    def setSelected(self, selected: bool) -> None:
        self._knobs["selected"].setValue(selected)

    def isSelected(self) -> bool:
        return self._knobs["selected"].value()

    def frameRange(self) -> FrameRange:
        self._touch()
        if self._class == "Read":
            return FrameRange(self._knobs["first"]._value, self._knobs["last"]._value)
        if self._class == "Root":
            return FrameRange(self._knobs["first_frame"]._value, self._knobs["last_frame"]._value)
        if self._class == "Group":
            out = _output_of(self)
            if out is not None:
                return out.frameRange()
        if self._class == "Input":
            group = self._parent
            number = self._knobs["number"]._value
            upstream = group.input(number) if group is not None else None
            if upstream is not None:
                return upstream.frameRange()
        for n in self._inputs:
            if n is not None:
                return n.frameRange()
        return root().frameRange()

    def firstFrame(self) -> int:
        return self.frameRange().first()

    def lastFrame(self) -> int:
        return self.frameRange().last()

    def showControlPanel(self, forceFloat: bool = False) -> None:
        self._touch()

    def hideControlPanel(self) -> None:
        self._touch()

    # Group methods
    def _need_group(self) -> None:
        if self._class not in ("Group", "Root"):
            raise AttributeError(f"'{self._class}' node has no group methods (stand-in)")

    def begin(self):
        self._touch()
        self._need_group()
        _context_stack().append(self)
        return self

    def end(self) -> None:
        self._touch()
        self._need_group()
        stack = _context_stack()
        if len(stack) > 1 and stack[-1] is self:
            stack.pop()

    def __enter__(self):
        return self.begin()

    def __exit__(self, *exc) -> None:
        self.end()

    def nodes(self) -> list:
        self._touch()
        self._need_group()
        return list(self._children)

    def node(self, name: str):
        self._touch()
        self._need_group()
        for c in self._children:
            if c._knobs["name"]._value == name:
                return c
        return None

    def __repr__(self) -> str:
        return f"<{self._class} {self._knobs['name']._value}>"


def _context_stack() -> list:
    if not hasattr(_state, "stack"):
        _state.stack = [root()]
    return _state.stack


def _current_group():
    return _context_stack()[-1]


def _unique_name(parent, base: str, exclude=None) -> str:
    """``base`` if free, else the stem with the first free number (``Read1``, ``Read2``, ...), as Nuke names nodes."""
    taken = {c._knobs["name"]._value for c in (parent._children if parent is not None else []) if c is not exclude}
    if base not in taken:
        return base
    stem = re.sub(r"\d+$", "", base)
    i = 1
    while f"{stem}{i}" in taken:
        i += 1
    return f"{stem}{i}"


def _output_of(group):
    for c in group._children:
        if c._class == "Output":
            return c
    return None


def _make(cls: str, knobs: dict) -> Node:
    _main_only("node creation")
    parent = _current_group()
    node = Node(cls, parent)
    node._knobs["name"]._value = _unique_name(parent, f"{cls}1")
    parent._children.append(node)
    if cls == "Input":
        node._knobs["number"]._value = len([c for c in parent._children if c._class == "Input"]) - 1
    for k, v in knobs.items():
        if k == "inputs":
            for i, n in enumerate(v):
                node.setInput(i, n)
            continue
        if k == "name":
            node.setName(v)
            continue
        node[k].setValue(v)
    return node


class _NodesFactory:
    def __getattr__(self, cls: str):
        if cls.startswith("_"):
            raise AttributeError(cls)
        if cls not in _CLASS_KNOBS or cls == "Root":
            raise AttributeError(f"nuke.nodes has no {cls} (unknown node class in this stand-in)")
        return lambda **knobs: _make(cls, knobs)


nodes = _NodesFactory()


def _parse_args(args: str) -> dict:
    out = {}
    for m in re.finditer(r"(\w+)\s+(\{[^}]*\}|\"[^\"]*\"|\S+)", args or ""):
        value = m.group(2).strip("{}\"")
        out[m.group(1)] = int(value) if re.fullmatch(r"-?\d+", value) else value
    return out


def createNode(node: str, args: str = "", inpanel: bool = True):
    """Create ``node`` in the current group, connected to the selected node, and select it (as Nuke's UI does)."""
    _main_only("createNode")
    selected = [n for n in _current_group()._children if n._knobs["selected"]._value]
    new = _make(node, _parse_args(args))
    if len(selected) == 1 and new.maxInputs() > 0:
        new.setInput(0, selected[0])
    for n in _current_group()._children:
        n._knobs["selected"]._value = False
    new._knobs["selected"]._value = True
    return new


def delete(node: Node) -> None:
    _main_only("delete")
    parent = node._parent
    if parent is not None and node in parent._children:
        parent._children.remove(node)
    for sibling in (parent._children if parent is not None else []):
        sibling._inputs = [None if n is node else n for n in sibling._inputs]
    node._alive = False


def root() -> Node:
    if _session.root is None:
        _session.root = Node("Root")  # its "name" knob holds the script's path ("" until saved)
    return _session.root


def toNode(name: str):
    _main_only("toNode")
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
    _main_only("allNodes")
    group = group or _current_group()
    out = []
    for c in group._children:
        if filter is None or c._class == filter:
            out.append(c)
        if recurseGroups and c._class == "Group":
            out.extend(allNodes(filter, c, True))
    return out


def selectedNode():
    _main_only("selectedNode")
    selected = [n for n in _current_group()._children if n._knobs["selected"]._value]
    if not selected:
        raise ValueError("no node selected")
    return selected[-1]


def selectedNodes(filter: str | None = None) -> list:
    _main_only("selectedNodes")
    return [n for n in _current_group()._children if n._knobs["selected"]._value and (filter is None or n._class == filter)]


def thisNode():
    _main_only("thisNode")
    return _session.this_node[-1] if _session.this_node else root()


def thisGroup():
    _main_only("thisGroup")
    return _current_group()


def message(prompt: str) -> None:
    _main_only("message")
    _session.messages.append(str(prompt))


def pluginAddPath(args: str, addToSysPath: bool = True) -> None:
    path = os.path.abspath(os.path.expanduser(args))
    if path not in _session.plugin_path:
        _session.plugin_path.insert(0, path)
        if addToSysPath and path not in sys.path:
            sys.path.insert(0, path)


def pluginPath() -> list:
    return list(_session.plugin_path)


def executeInMainThread(call, args=(), kwargs=None) -> None:
    if not callable(call):
        raise TypeError("executeInMainThread(call, args=(), kwargs={}) takes a callable")
    if not isinstance(args, tuple):
        args = (args,)
    _main_queue.put((call, args, dict(kwargs or {}), None))


def executeInMainThreadWithResult(call, args=(), kwargs=None):
    if not isinstance(args, tuple):
        args = (args,)
    if threading.current_thread() is _main_thread:
        return call(*args, **dict(kwargs or {}))
    box: dict = {"done": threading.Event()}
    _main_queue.put((call, args, dict(kwargs or {}), box))
    box["done"].wait()
    if "error" in box:
        raise box["error"]
    return box.get("result")


# ----------------------------------------------------------------------------------------------------- progress


class ProgressTask:
    """``nuke.ProgressTask(name)``: usable from any thread; the user may cancel it in the UI."""

    def __init__(self, name: str) -> None:
        if not isinstance(name, str):
            raise TypeError("ProgressTask(name: str)")
        self._name = name
        self._progress: list[int] = []
        self._messages: list[str] = []
        self._cancelled = threading.Event()
        self._finished = False
        _session.progress_tasks.append(self)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(f"ProgressTask has no {name}() in Nuke's API (stand-in)")

    def setProgress(self, i: int) -> None:
        if isinstance(i, bool) or not isinstance(i, int):
            raise TypeError(f"ProgressTask.setProgress takes an int (0-100), not {type(i).__name__}")
        self._progress.append(max(0, min(100, i)))

    def setMessage(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError("ProgressTask.setMessage takes a str")
        self._messages.append(text)

    def isCancelled(self) -> bool:
        return self._cancelled.is_set()

    def __del__(self) -> None:
        self._finished = True


# --------------------------------------------------------------------------------------------------------- menus


class MenuItem:
    def __init__(self, name: str, command=None, shortcut: str = "", icon: str = "") -> None:
        self._name, self._command, self._shortcut, self._icon = name, command, shortcut, icon

    def name(self) -> str:
        return self._name

    def script(self) -> str:
        return self._command if isinstance(self._command, str) else ""

    def invoke(self) -> None:
        _main_only("menu command")
        if callable(self._command):
            self._command()
        elif self._command:
            exec(compile(self._command, f"<menu {self._name}>", "exec"), {"nuke": sys.modules[__name__], "__name__": "__main__"})

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(f"MenuItem has no {name}() in Nuke's API (stand-in)")


class Menu(MenuItem):
    def __init__(self, name: str, icon: str = "") -> None:
        super().__init__(name, None, "", icon)
        self._items: "OrderedDict[str, MenuItem]" = OrderedDict()

    def addMenu(self, name: str, icon: str | None = None, tooltip: str | None = None, index: int = -1) -> "Menu":
        _main_only("menu")
        existing = self._items.get(name)
        if isinstance(existing, Menu):
            return existing
        menu = Menu(name, icon or "")
        self._items[name] = menu
        return menu

    def addCommand(self, name: str, command=None, shortcut: str | None = None, icon: str | None = None,
                   tooltip: str | None = None, index: int = -1, readonly: bool = False, shortcutContext: int | None = None):
        _main_only("menu")
        if command is not None and not (callable(command) or isinstance(command, str)):
            raise TypeError("addCommand's command is a callable or a Python string")
        if "/" in name:
            head, _, rest = name.partition("/")
            return self.addMenu(head).addCommand(rest, command, shortcut, icon, tooltip, index, readonly, shortcutContext)
        item = MenuItem(name, command, shortcut or "", icon or "")
        self._items[name] = item
        return item

    def addSeparator(self, **kwargs) -> MenuItem:
        item = MenuItem("")
        self._items[f"__sep{len(self._items)}"] = item
        return item

    def findItem(self, name: str):
        head, _, rest = name.partition("/")
        item = self._items.get(head)
        if rest and isinstance(item, Menu):
            return item.findItem(rest)
        return item

    def items(self) -> list:
        return [i for k, i in self._items.items() if not k.startswith("__sep")]

    def removeItem(self, name: str) -> None:
        self._items.pop(name, None)


def menu(name: str) -> Menu:
    if not GUI:
        raise RuntimeError("nuke.menu: there are no menus in a terminal session (nuke -t) (stand-in)")
    _main_only("menu")
    if name not in ("Nuke", "Nodes", "Pane", "Node Graph", "Viewer", "Properties", "Animation", "Axis"):
        return None
    return _session.menus.setdefault(name, Menu(name))


def toolbar(name: str, create: bool = True) -> Menu:
    return menu(name)


# ------------------------------------------------------------------------------------------------------- render


def execute(nameOrNode, start=None, end=None, incr: int = 1, views=None, continueOnError: bool = False) -> None:
    """Render a Write node over ``start``..``end`` (inclusive), like ``nuke.execute``."""
    _main_only("execute")
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
    _session.executed.append((node.fullName(), first, last))


def _render(node: Node, frame: int) -> np.ndarray:
    """RGBA float32 of ``node`` at ``frame`` (test helper, like viewing the node)."""
    from nuke_render import render

    return render(node, frame)
