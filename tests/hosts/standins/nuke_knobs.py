"""Knobs of the ``nuke`` stand-in: typed values, flags, enumerations that reject unknown values, Python buttons."""

from __future__ import annotations

import re
import sys

from nuke_core import main_only, session

# knob flags (values as in Nuke's headers)
DISABLED = 0x80
NO_ANIMATION = 0x100
INVISIBLE = 0x400
STARTLINE = 0x1000
ENDLINE = 0x2000
READ_ONLY = 0x10000000



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
        main_only(f"knob {self._name}")

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
        main_only("PyScript_Knob.execute")
        session().this_node.append(self._node)
        try:
            namespace = {"nuke": sys.modules["nuke"], "__name__": "__main__"}
            exec(compile(self._value, f"<knob {self._name}>", "exec"), namespace)
        finally:
            session().this_node.pop()


class Tab_Knob(Knob):
    pass
