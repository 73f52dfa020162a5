"""Stand-in for ``nukescripts``: the ``PythonPanel`` dialog class (the part host adapters use)."""

import nuke
from nuke_core import main_only


class PythonPanel:
    """``nukescripts.PythonPanel(title, id="")``: a dialog of knobs; ``knobChanged(knob)`` is called on edits."""

    _modal_answer = True  # what the user clicks in a modal dialog (the harness sets it)

    def __init__(self, title="", id="", scrollable=True) -> None:
        self._title = title
        self._id = id
        self._knobs = []

    def addKnob(self, knob):
        if not isinstance(knob, nuke.Knob):
            raise TypeError("addKnob takes a nuke.Knob")
        self._knobs.append(knob)

    def removeKnob(self, knob):
        self._knobs.remove(knob)

    def knobs(self):
        return {k.name(): k for k in self._knobs}

    def showModalDialog(self):
        main_only("PythonPanel.showModalDialog")
        if not nuke.GUI:
            raise RuntimeError("no dialogs in a terminal session (stand-in)")
        return PythonPanel._modal_answer

    def show(self):
        main_only("PythonPanel.show")

    def knobChanged(self, knob):
        pass
