"""The mattebox window in Resolve (Fusion's UIManager, which every Resolve has).

It picks the task, backend, output and clips, runs one publish at a time, shows its progress and
cancels it. The publish advances on a UIManager timer on the window's own thread, so Resolve's API
is only called from there; the job itself runs in the runtime's process.
"""

import logging

from mattebox.publish import PublishError

from .pipeline import OUTPUTS, TARGETS, TASKS, install, start_publish, uninstall

__all__ = ["MatteboxWindow", "parse_options", "run_window"]

log = logging.getLogger(__name__)

TICK_MS = 100
WINDOW_ID = "mattebox"


def parse_options(text):
    """``"despill=average, model=rvm"`` -> dict; raises ``InvalidParameter`` for a part without ``=``."""
    options = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise PublishError("InvalidParameter", "backend option {!r} is not name=value".format(part.strip()))
        options[name.strip().lstrip("-")] = value.strip()
    return options


class MatteboxWindow(object):
    """The window and its publish. ``client_factory`` makes the runtime client (default: the installed runtime)."""

    def __init__(self, resolve, fusion, bmd, client_factory=None):
        self.resolve = resolve
        self.ui = fusion.UIManager
        self.disp = bmd.UIDispatcher(self.ui)
        self.client_factory = client_factory
        self.session = None
        self.last_report = None
        self.win = self._build()
        self.items = self.win.GetItems()
        self.timer = self.ui.Timer({"ID": "MatteboxTick", "Interval": TICK_MS})
        self.win.On[WINDOW_ID].Close = self.on_close
        self.win.On.Run.Clicked = self.on_run
        self.win.On.Cancel.Clicked = self.on_cancel
        self.disp.On.Timeout = self.on_tick

    def _build(self):
        ui = self.ui

        def row(label, widget):
            return ui.HGroup({"Weight": 0}, [ui.Label({"Text": label, "Weight": 0.3}), widget])

        win = self.disp.AddWindow({"ID": WINDOW_ID, "WindowTitle": "mattebox", "Geometry": [200, 200, 460, 300]}, ui.VGroup([
            row("Task", ui.ComboBox({"ID": "Task", "Weight": 0.7})),
            row("Clips", ui.ComboBox({"ID": "Target", "Weight": 0.7})),
            row("Output", ui.ComboBox({"ID": "Output", "Weight": 0.7})),
            row("Backend", ui.LineEdit({"ID": "Backend", "PlaceholderText": "the task's default", "Weight": 0.7})),
            row("Options", ui.LineEdit({"ID": "Options", "PlaceholderText": "name=value, ...", "Weight": 0.7})),
            ui.Slider({"ID": "Progress", "Minimum": 0, "Maximum": 100, "Value": 0, "Enabled": False, "Weight": 0}),
            ui.Label({"ID": "Status", "Text": "Pick the clips, then Run.", "WordWrap": True, "Weight": 1}),
            ui.HGroup({"Weight": 0}, [ui.Button({"ID": "Run", "Text": "Run"}),
                                      ui.Button({"ID": "Cancel", "Text": "Cancel", "Enabled": False})]),
        ]))
        items = win.GetItems()
        for combo, choices in (("Task", TASKS), ("Target", TARGETS), ("Output", OUTPUTS)):
            items[combo].AddItems([label for label, _ in choices])
        return win

    @staticmethod
    def _value(choices, text):
        return dict(choices)[text]

    def _status(self, text, fraction=None):
        self.items["Status"].Text = text
        if fraction is not None:
            self.items["Progress"].Value = int(round(100 * fraction))

    def _running(self, running):
        self.items["Run"].Enabled = not running
        self.items["Cancel"].Enabled = running

    def on_run(self, ev):
        if self.session is not None:
            return
        items = self.items
        try:
            client = self.client_factory() if self.client_factory else None
            self.session = start_publish(
                self.resolve, self._value(TASKS, items["Task"].CurrentText), output=self._value(OUTPUTS, items["Output"].CurrentText),
                target=self._value(TARGETS, items["Target"].CurrentText), backend=(items["Backend"].Text or "").strip() or None,
                options=parse_options(items["Options"].Text), client=client)
        except PublishError as exc:
            self._status(exc.user_text(), 0.0)
            return
        self._running(True)
        self._status("mattebox: starting", 0.0)
        self.timer.Start()

    def on_tick(self, ev):
        session = self.session
        if session is None:
            return
        try:
            done = session.step(budget=0.05)
        except Exception as exc:  # a bug must not leave the window stuck in "running"
            log.exception("mattebox: the publish failed")
            done = True
            session.report.errors.append(_host_error(exc))
        fraction, text = session.progress()
        self._status(text, fraction)
        if done:
            self._finished(session)

    def _finished(self, session):
        self.timer.Stop()
        self.session = None
        self.last_report = session.report
        self._running(False)
        report = session.report
        text = report.summary()
        if report.errors and not report.cancelled:
            text += "\n" + report.details()
        self._status(text, 1.0 if report.ok else None)

    def on_cancel(self, ev):
        if self.session is not None:
            self.session.cancel()
            self._status("mattebox: cancelling")

    def on_close(self, ev):
        if self.session is not None:
            self.session.cancel()
        self.timer.Stop()
        self.disp.ExitLoop()

    def run(self):
        """Show the window and process its events until it is closed."""
        self.win.Show()
        try:
            self.disp.RunLoop()
        finally:
            self.win.Hide()
        return self.last_report


def _host_error(exc):
    from mattebox.publish.session import StageError

    error = exc if isinstance(exc, PublishError) else PublishError("Host.PluginFailed", "{}: {}".format(type(exc).__name__, exc))
    return StageError("integrate", "MatteboxWindow", None, error)


def run_window(resolve, fusion, bmd, client_factory=None):
    """Register the plugins, show the window until it closes, unregister; returns the last publish's report."""
    handle = install()
    try:
        return MatteboxWindow(resolve, fusion, bmd, client_factory).run()
    finally:
        uninstall(handle)
