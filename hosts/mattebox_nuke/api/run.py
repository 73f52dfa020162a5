"""Run and Cancel of a mattebox node: one pyblish publish per press, with a ``nuke.ProgressTask``.

In a GUI session the publish runs on a worker thread: the shared plugins start the runtime job (a
separate process) and wait for it there, the Nuke plugins reach nodes only through
``nuke.executeInMainThreadWithResult``, and the node's status is written through
``nuke.executeInMainThread``. Nuke stays responsive; Cancel (on the node or in the progress
dialog) stops the runtime job. In a terminal session (``nuke -t``) or with ``wait=True`` the same
publish runs on the calling thread and returns its report.
"""

import logging
import threading
import time

import nuke

from mattebox.publish import PublishError, PublishSession, RuntimeClient, new_job_id

from . import lib
from .pipeline import publish_plugins

__all__ = ["cancel_node", "run_node"]

log = logging.getLogger(__name__)

STATUS_EVERY_S = 0.5
CANCEL_CHECK_EVERY_S = 0.3


def parse_options(text):
    """``"despill=average, fail-at=3"`` -> ``{"despill": "average", "fail-at": "3"}``."""
    options = {}
    for part in text.split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise PublishError("InvalidParameter", "backend option {!r} is not name=value".format(part.strip()),
                               hint="write the node's backend options as name=value, separated by commas")
        options[name.strip().lstrip("-")] = value.strip()
    return options


def _settings(group):
    options = parse_options(group["options"].value())
    model = group["model"].value().strip()
    if model:
        options["model"] = model
    return {"node": group.fullName(), "task": group["task"].value(), "backend": group["backend"].value().strip(),
            "options": options, "output": group["output"].value(), "job_id": new_job_id()}


class NodeRun(object):
    """One press of Run: the publish, its progress task and its cancel checks."""

    def __init__(self, name, settings, client, threaded):
        self.name = name
        self.settings = settings
        self.client = client
        self.threaded = threaded
        self.report = None

    def _main(self, func, *args):
        """Call ``func`` on the main thread and return its result."""
        return lib.on_main_thread(func, *args)

    def _status(self, text):
        if self.threaded:
            nuke.executeInMainThread(lib.show_status, (self.name, text))
        else:
            lib.show_status(self.name, text)

    def run(self):
        task = nuke.ProgressTask("mattebox: {}".format(self.name))
        session = PublishSession(self.client, "nuke", self.settings, plugins=publish_plugins())
        last_status = last_cancel_check = 0.0
        try:
            while not session.step(budget=0.05):
                now = time.monotonic()
                if not session.cancelled and (task.isCancelled() or (
                        now - last_cancel_check >= CANCEL_CHECK_EVERY_S and self._main(lib.cancel_requested, self.name))):
                    session.cancel()
                if now - last_cancel_check >= CANCEL_CHECK_EVERY_S:
                    last_cancel_check = now
                fraction, text = session.progress()
                task.setProgress(int(round(100 * fraction)))
                task.setMessage(text)
                if now - last_status >= STATUS_EVERY_S:
                    self._status(text)
                    last_status = now
                time.sleep(0.02)
            task.setProgress(100)
            self.report = session.report.to_dict()
        except Exception as exc:  # never lose the outcome: show it on the node
            log.exception("mattebox: the run of %s failed", self.name)
            error = exc if isinstance(exc, PublishError) else PublishError(
                "Host.PluginFailed", "{}: {}".format(type(exc).__name__, exc), hint="the script editor has the traceback")
            self.report = {"ok": False, "cancelled": False, "errors": [error.to_dict()], "integrated": []}
        finally:
            del task
        if self.threaded:
            nuke.executeInMainThread(lib.show_report, (self.name, self.report))
        else:
            lib.show_report(self.name, self.report)
        return self.report


def run_node(group, wait=None, client=None):
    """Start the node's job (the Run button). Returns the worker thread, or the report when run in place.

    :param wait: run on this thread and return the report (default: only in a terminal session).
    :param client: a :class:`~mattebox.publish.RuntimeClient` (default: the installed runtime).
    """
    name = group.fullName()
    wait = (not nuke.GUI) if wait is None else wait
    group["mattebox_cancel"].setValue(False)
    try:
        client = client or RuntimeClient()
        settings = _settings(group)
    except PublishError as exc:
        lib.show_status(name, exc.user_text(), error=True)
        return None if not wait else {"ok": False, "cancelled": False, "errors": [exc.to_dict()], "integrated": []}
    group["mattebox_job"].setValue(settings["job_id"])
    lib.show_status(name, "starting job {}".format(settings["job_id"]))
    run = NodeRun(name, settings, client, threaded=not wait)
    if wait:
        return run.run()
    thread = threading.Thread(target=run.run, name="mattebox-" + name)
    thread.daemon = True
    thread.start()
    return thread


def cancel_node(group):
    """Ask the node's running job to stop (the Cancel button); the worker notices within a moment."""
    group["mattebox_cancel"].setValue(True)
    lib.show_status(group.fullName(), "cancelling job {}".format(group["mattebox_job"].value() or ""))
    log.info("mattebox: cancel requested for %s", group.fullName())
