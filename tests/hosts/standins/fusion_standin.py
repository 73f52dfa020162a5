"""A stand-in for Fusion's UIManager (``fusion.UIManager``, ``bmd.UIDispatcher``), as Resolve scripts use it.

Modelled from the UIManager documentation and Blackmagic's examples: elements are built from a
property dict (``ui.Button({"ID": "Run", "Text": "Run"})``), layouts take a list of children,
``dispatcher.AddWindow(props, children)`` returns a window whose ``Find(id)``/``GetItems()`` give the
elements, handlers are assigned as ``win.On.<ID>.<Event> = func`` (events ``Clicked``,
``CurrentIndexChanged``, ``Close``) and ``dispatcher.On.Timeout = func`` for ``ui.Timer`` elements,
``RunLoop()`` blocks until ``ExitLoop()``. Unknown element types, unknown properties and unknown
events raise at once.

A test drives the window like a user: :func:`script` queues ``(condition, action)`` steps that
``RunLoop`` performs when ``condition(window)`` becomes true; timers fire in real time.
"""

from __future__ import annotations

import time
import types

COMMON = {"ID", "Text", "Enabled", "Hidden", "Visible", "ToolTip", "StatusTip", "StyleSheet", "Weight", "Alignment",
          "MinimumSize", "MaximumSize", "FixedSize", "Geometry", "Font", "Events", "Flat", "IconSize", "Spacing",
          "Margin", "WindowTitle", "BackgroundColor", "WordWrap"}
EXTRA = {
    "Label": set(), "Button": {"Checkable", "Checked", "Icon"}, "CheckBox": {"Checked", "Tristate"},
    "ComboBox": {"CurrentText", "CurrentIndex", "Editable"}, "LineEdit": {"PlaceholderText", "ReadOnly", "ClearButtonEnabled"},
    "TextEdit": {"PlainText", "HTML", "ReadOnly", "PlaceholderText"}, "SpinBox": {"Value", "Minimum", "Maximum", "Prefix", "Suffix"},
    "Slider": {"Value", "Minimum", "Maximum", "Orientation"}, "Timer": {"Interval", "SingleShot"},
    "VGroup": set(), "HGroup": set(), "HGap": set(), "VGap": set(),
}
EVENTS = {"Button": {"Clicked", "Toggled", "Pressed", "Released"}, "CheckBox": {"Clicked", "Toggled"},
          "ComboBox": {"CurrentIndexChanged", "CurrentTextChanged", "Activated"}, "LineEdit": {"TextChanged", "EditingFinished"},
          "Window": {"Close", "Show", "Hide"}, "Timer": {"Timeout"}}

_steps: list = []


class Element:
    def __init__(self, kind: str, props: dict | None = None, children=None) -> None:
        if props is not None and not isinstance(props, dict):
            children, props = props, {}
        props = dict(props or {})
        allowed = COMMON | EXTRA.get(kind, set())
        unknown = set(props) - allowed
        if unknown:
            raise AttributeError(f"UIManager {kind} has no properties {sorted(unknown)} (stand-in)")
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_props", {"Enabled": True, "Text": "", "ID": None, **props})
        object.__setattr__(self, "_children", list(children) if isinstance(children, list) else ([children] if children else []))
        object.__setattr__(self, "_items", [])
        if kind == "ComboBox":
            self._props.setdefault("CurrentIndex", -1)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if name == "CurrentText" and self._kind == "ComboBox":
            i = self._props["CurrentIndex"]
            return self._items[i] if 0 <= i < len(self._items) else ""
        if name in self._props:
            return self._props[name]
        if name in COMMON | EXTRA.get(self._kind, set()):
            return None
        raise AttributeError(f"UIManager {self._kind} has no {name} (stand-in)")

    def __setattr__(self, name: str, value) -> None:
        if name not in COMMON | EXTRA.get(self._kind, set()):
            raise AttributeError(f"UIManager {self._kind} has no property {name} (stand-in)")
        if self._kind == "ComboBox" and name == "CurrentText":
            if value not in self._items:
                return
            name, value = "CurrentIndex", self._items.index(value)
        self._props[name] = value

    # ComboBox
    def AddItem(self, text: str) -> None:
        self._need("ComboBox")
        self._items.append(str(text))
        if self._props["CurrentIndex"] < 0:
            self._props["CurrentIndex"] = 0

    def AddItems(self, texts: list) -> None:
        for t in texts:
            self.AddItem(t)

    def Clear(self) -> None:
        self._need("ComboBox")
        self._items.clear()
        self._props["CurrentIndex"] = -1

    # Timer
    def Start(self) -> None:
        self._need("Timer")
        self._props["_active"] = True
        self._props["_due"] = time.monotonic() + (self._props.get("Interval") or 0) / 1000.0
        _timers.append(self)

    def Stop(self) -> None:
        self._need("Timer")
        self._props["_active"] = False
        if self in _timers:
            _timers.remove(self)

    def _need(self, kind: str) -> None:
        if self._kind != kind:
            raise AttributeError(f"UIManager {self._kind} has no such method (it is a {kind} method) (stand-in)")

    def _walk(self):
        yield self
        for c in self._children:
            yield from c._walk()


_timers: list[Element] = []


class UIManager:
    def __getattr__(self, kind: str):
        if kind not in EXTRA:
            raise AttributeError(f"UIManager has no element {kind} (stand-in)")
        return lambda props=None, children=None: Element(kind, props, children)


class _Handlers:
    def __init__(self, window: "Window") -> None:
        object.__setattr__(self, "_window", window)
        object.__setattr__(self, "_by_id", {})

    def __getattr__(self, element_id: str):
        return self[element_id]

    def __getitem__(self, element_id: str):
        window = self._window
        if element_id == window._props.get("ID"):
            kind = "Window"
        else:
            element = window._find(element_id)
            if element is None:
                raise AttributeError(f"no element with ID {element_id!r} in the window (stand-in)")
            kind = element._kind
        slot = self._by_id.setdefault(element_id, {})

        class Slot:
            def __setattr__(_, event, func):
                if event not in EVENTS.get(kind, set()):
                    raise AttributeError(f"{kind} has no event {event} (stand-in)")
                slot[event] = func

            def __getattr__(_, event):
                return slot.get(event)

        return Slot()


class Window:
    def __init__(self, props: dict, children) -> None:
        self._props = dict(props)
        self._root = children if isinstance(children, Element) else Element("VGroup", {}, list(children))
        self._visible = False
        self.On = _Handlers(self)

    def _find(self, element_id: str):
        for e in self._root._walk():
            if e._props.get("ID") == element_id:
                return e
        return None

    def Find(self, element_id: str):
        return self._find(element_id)

    def GetItems(self) -> dict:
        items = {e._props["ID"]: e for e in self._root._walk() if e._props.get("ID")}
        items[self._props.get("ID")] = self
        return items

    def Show(self) -> None:
        self._visible = True

    def Hide(self) -> None:
        self._visible = False

    def RecalcLayout(self) -> None:
        pass

    def _fire(self, element_id: str, event: str, info: dict | None = None) -> None:
        handler = self.On._by_id.get(element_id, {}).get(event)
        if handler is not None:
            handler({"who": element_id, "what": event, "window": self, **(info or {})})


class UIDispatcher:
    def __init__(self, ui: UIManager) -> None:
        self._ui = ui
        self._windows: list[Window] = []
        self._running = False
        self._exit_code = 0
        self.On = types.SimpleNamespace(Timeout=None)

    def AddWindow(self, props: dict, children=None) -> Window:
        if not isinstance(props, dict):
            raise TypeError("AddWindow(props: dict, children)")
        window = Window(props, children if children is not None else [])
        self._windows.append(window)
        return window

    def ExitLoop(self, code: int = 0) -> None:
        self._running = False
        self._exit_code = code

    def RunLoop(self, timeout: float = 60.0) -> int:
        """Process user steps and timers until ``ExitLoop()``; a stuck loop fails the test."""
        self._running = True
        deadline = time.monotonic() + timeout
        while self._running:
            if time.monotonic() > deadline:
                raise AssertionError("UIDispatcher.RunLoop ran past the test's deadline (stand-in)")
            window = self._windows[-1] if self._windows else None
            if _steps and window is not None and _steps[0][0](window):
                _steps.pop(0)[1](window)
                continue
            now = time.monotonic()
            for timer in list(_timers):
                if timer._props.get("_active") and now >= timer._props["_due"]:
                    timer._props["_due"] = now + (timer._props.get("Interval") or 0) / 1000.0
                    if timer._props.get("SingleShot"):
                        timer.Stop()
                    if self.On.Timeout is not None:
                        self.On.Timeout({"who": timer._props.get("ID"), "what": "Timeout"})
            time.sleep(0.005)
        return self._exit_code


class Fusion:
    """``resolve.Fusion()``: only what scripts in Resolve use of it here (its UIManager)."""

    def __init__(self) -> None:
        self.UIManager = UIManager()

    def __getattr__(self, name: str):
        raise AttributeError(f"Fusion has no {name} in this stand-in")


bmd = types.SimpleNamespace(UIDispatcher=UIDispatcher, wait=time.sleep)


# --- the user's hands --------------------------------------------------------------------------------------------


def script(*steps) -> None:
    """Queue ``(condition(window) -> bool, action(window))`` steps for the next ``RunLoop``."""
    _steps.extend(steps)


def reset() -> None:
    _steps.clear()
    _timers.clear()


def click(element_id: str):
    def action(window: Window) -> None:
        element = window.Find(element_id)
        assert element is not None, f"no {element_id} in the window"
        assert element._props.get("Enabled", True), f"{element_id} is disabled: a user could not click it"
        window._fire(element_id, "Clicked")

    return action


def choose(element_id: str, text: str):
    def action(window: Window) -> None:
        element = window.Find(element_id)
        assert text in element._items, f"{text!r} is not offered in {element_id}: {element._items}"
        element.CurrentText = text
        window._fire(element_id, "CurrentIndexChanged")

    return action


def type_text(element_id: str, text: str):
    def action(window: Window) -> None:
        element = window.Find(element_id)
        assert element is not None and element._kind == "LineEdit", f"no LineEdit {element_id}"
        element.Text = text

    return action


def close():
    def action(window: Window) -> None:
        window._fire(window._props.get("ID"), "Close")

    return action
