"""Nodes of the ``nuke`` stand-in: the classes it knows with their knobs, inputs, groups and naming."""

from __future__ import annotations

import re
from collections import OrderedDict

from nuke_core import local, main_only, session
from nuke_knobs import (Boolean_Knob, Channel_Knob, ChannelMask_Knob, ColorChip_Knob, Double_Knob, Enumeration_Knob, File_Knob,
                        Int_Knob, Knob, PyScript_Knob, String_Knob)


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
        main_only(f"node {self._knobs['name']._value or self._class}")
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
    if not hasattr(local, "stack"):
        local.stack = [root()]
    return local.stack


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
    main_only("node creation")
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


def root() -> Node:
    if session().root is None:
        session().root = Node("Root")  # its "name" knob holds the script's path ("" until saved)
    return session().root
