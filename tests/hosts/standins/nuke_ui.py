"""Progress tasks and menus of the ``nuke`` stand-in."""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict

from nuke_core import main_only, session



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
        session().progress_tasks.append(self)

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
        main_only("menu command")
        if callable(self._command):
            self._command()
        elif self._command:
            exec(compile(self._command, f"<menu {self._name}>", "exec"), {"nuke": sys.modules["nuke"], "__name__": "__main__"})

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(f"MenuItem has no {name}() in Nuke's API (stand-in)")


class Menu(MenuItem):
    def __init__(self, name: str, icon: str = "") -> None:
        super().__init__(name, None, "", icon)
        self._items: "OrderedDict[str, MenuItem]" = OrderedDict()

    def addMenu(self, name: str, icon: str | None = None, tooltip: str | None = None, index: int = -1) -> "Menu":
        main_only("menu")
        existing = self._items.get(name)
        if isinstance(existing, Menu):
            return existing
        menu = Menu(name, icon or "")
        self._items[name] = menu
        return menu

    def addCommand(self, name: str, command=None, shortcut: str | None = None, icon: str | None = None,
                   tooltip: str | None = None, index: int = -1, readonly: bool = False, shortcutContext: int | None = None):
        main_only("menu")
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
