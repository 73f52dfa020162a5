"""Drive one pyblish publish without blocking the host: collect, validate, run jobs, integrate.

The plugins run on the host's main thread (collectors and integrators touch the host's data), and
long work never runs inside a plugin: a plugin starts it (a runtime job, a ``mattebox check``) and
hands it to the session with :meth:`PublishSession.track`. :meth:`PublishSession.step` advances
pyblish only while nothing tracked is still running, so a host calls ``step`` from its UI timer and
stays responsive for the whole job; :meth:`PublishSession.run` does the same in a blocking loop
(scripts, background mode). Both paths run exactly the same plugins.

Every plugin error comes from pyblish's results and ends up in :attr:`PublishSession.report`; none
is swallowed. pyblish stops after a failed validation, so no job starts for a publish with an
invalid clip.
"""

import logging
import time

from .errors import PublishError
from .job import RuntimeJob
from .pipeline import FAMILY, discover_plugins

__all__ = ["PublishReport", "PublishSession", "StageError", "stage_of"]

log = logging.getLogger(__name__)


def stage_of(order):
    """The pyblish stage of a plugin order: ``collect``, ``validate``, ``extract`` or ``integrate``."""
    for name, base in (("collect", 0), ("validate", 1), ("extract", 2), ("integrate", 3)):
        if base - 0.5 <= order < base + 0.5:
            return name
    return "integrate" if order >= 3 else "collect"


class StageError(object):
    """One error of a publish: the stage, the plugin, the clip it concerns, and the error."""

    def __init__(self, stage, plugin, subject, error):
        self.stage = stage
        self.plugin = plugin
        self.subject = subject
        self.error = error

    @property
    def code(self):
        return self.error.code

    def text(self):
        prefix = "{}: ".format(self.subject) if self.subject and self.subject not in self.error.message else ""
        return "{}{}".format(prefix, self.error.user_text())

    def to_dict(self):
        data = self.error.to_dict()
        data.update(stage=self.stage, plugin=self.plugin, subject=self.subject)
        return data


class PublishReport(object):
    """What a publish did: errors (by stage), the clips integrated, and whether it was cancelled."""

    def __init__(self):
        self.errors = []
        self.integrated = []
        self.instances = 0
        self.cancelled = False
        self.stopped_at_validation = False

    @property
    def ok(self):
        return not self.errors and not self.cancelled

    def summary(self):
        """One line for a status bar; :meth:`details` has the rest."""
        if self.cancelled:
            return "mattebox: cancelled"
        if not self.errors:
            return "mattebox: {} clip(s) done".format(len(self.integrated))
        first = self.errors[0]
        more = " (+{} more)".format(len(self.errors) - 1) if len(self.errors) > 1 else ""
        return "mattebox: {}: {}{}".format(first.code, first.error.message.splitlines()[0], more)

    def details(self):
        return "\n".join(e.text() for e in self.errors)

    def to_dict(self):
        return {"ok": self.ok, "cancelled": self.cancelled, "instances": self.instances,
                "stopped_at_validation": self.stopped_at_validation,
                "errors": [e.to_dict() for e in self.errors], "integrated": list(self.integrated)}


class PublishSession(object):
    """One publish run.

    :param client: the :class:`~mattebox.publish.client.RuntimeClient` plugins start jobs with.
    :param host: the host's name (for plugins and messages).
    :param settings: host choices every plugin may read (``task``, ``kind``, ``backend``, ...), stored in
        ``context.data["mattebox"]["settings"]``.
    :param plugins: the plugins to run (default: :func:`~mattebox.publish.pipeline.discover_plugins`).
    :param on_message: called on the main thread with ``(job, message)`` for every runtime message.
    :param on_job_started: called with ``(instance, job)`` right after a job started (hosts record it
        in their scene file to find it again after a restart).
    :param context_data: more entries for ``context.data["mattebox"]``, e.g. ``{"host_api": module}``: host
        plugins are loaded by path and cannot import their add-on's modules by a fixed name.
    """

    def __init__(self, client, host, settings=None, plugins=None, on_message=None, on_job_started=None, context_data=None):
        import pyblish.api

        self.client = client
        self.host = host
        self.context = pyblish.api.Context()
        self.context.data["mattebox"] = dict(context_data or {})
        self.context.data["mattebox"].update(session=self, host=host, settings=dict(settings or {}))
        self.report = PublishReport()
        self.jobs = {}
        self.finished = False
        self.cancelled = False
        self._plugins = plugins
        self._iter = None
        self._tracked = []
        self._on_message = on_message
        self._on_job_started = on_job_started
        self._current_job = None

    # -- what plugins use -------------------------------------------------------------------

    @property
    def settings(self):
        return self.context.data["mattebox"]["settings"]

    def track(self, handle):
        """Wait for ``handle`` (anything with a ``done`` property) before running the next plugin."""
        self._tracked.append(handle)
        return handle

    def start_job(self, instance, request):
        """Start the runtime job of ``instance`` and track it; returns the :class:`RuntimeJob`."""
        job = self.client.start_job(request)
        self.jobs[instance.id] = job
        self._current_job = job
        self.track(job)
        if self._on_job_started is not None:
            self._on_job_started(instance, job)
        return job

    def job_for(self, instance):
        """The job started for ``instance``, or ``None``."""
        return self.jobs.get(instance.id)

    # -- driving -----------------------------------------------------------------------------

    def busy(self):
        """True while tracked work (a job, a check) is still running."""
        return any(not handle.done for handle in self._tracked)

    def _poll_jobs(self, timeout=0.0):
        for handle in self._tracked:
            if isinstance(handle, RuntimeJob) and not handle.done:
                for message in handle.poll(timeout=timeout):
                    if self._on_message is not None:
                        self._on_message(handle, message)
                timeout = 0.0

    def step(self, budget=0.02):
        """Poll running work; run pyblish plugins while nothing is running, for about ``budget`` seconds.

        :returns: True once the publish is over.
        """
        if self.finished:
            return True
        began = time.monotonic()
        if self._iter is None:
            import pyblish.util

            plugins = self._plugins if self._plugins is not None else discover_plugins()
            self._iter = pyblish.util.publish_iter(self.context, plugins)
        self._poll_jobs()
        while not self.busy():
            try:
                result = next(self._iter)
            except StopIteration:
                self._finish()
                break
            self._record(result)
            if time.monotonic() - began >= budget:
                break
        return self.finished

    def run(self, poll_interval=0.1):
        """Run the publish to its end, blocking; returns the :class:`PublishReport`."""
        while not self.step(budget=float("inf")):
            running = [h for h in self._tracked if isinstance(h, RuntimeJob) and not h.done]
            if running:
                self._poll_jobs(timeout=poll_interval)
            elif self.busy():
                time.sleep(min(poll_interval, 0.02))
        return self.report

    def cancel(self):
        """Stop: cancel every running job; plugins that have not run yet see :attr:`cancelled`."""
        if self.finished or self.cancelled:
            return
        self.cancelled = True
        for handle in self._tracked:
            cancel = getattr(handle, "cancel", None)
            if cancel is not None and not handle.done:
                cancel()

    # -- progress and results --------------------------------------------------------------

    def instances(self):
        return [i for i in self.context if i.data.get("family") == FAMILY or FAMILY in i.data.get("families", ())]

    def progress(self):
        """``(fraction 0..1, text)`` over all of this publish's jobs."""
        instances = self.instances()
        count = max(1, len(instances))
        done = sum(1 for job in self.jobs.values() if job.done)
        running = [job for job in self.jobs.values() if not job.done]
        fraction = (done + sum(job.fraction for job in running)) / float(count)
        if running:
            job = running[0]
            text = "mattebox: {} ({} of {})".format(job.request.label, done + 1, count)
            if job.cancel_requested:
                text += ": cancelling"
            elif job.progress is not None:
                p = job.progress
                text += ": frame {}/{}".format(p.frame, p.total)
                if p.fps:
                    text += ", {:.1f} fps".format(p.fps)
                if p.eta is not None:
                    text += ", {:.0f} s left".format(p.eta)
            elif job.stage is not None:
                text += ": {} {:.0f}%".format(job.stage.stage, 100 * job.stage.fraction)
            else:
                text += ": starting"
        elif self.finished:
            text = self.report.summary()
        elif self.jobs:
            text = "mattebox: integrating"
        else:
            text = "mattebox: checking {} clip(s)".format(len(instances)) if instances else "mattebox: collecting"
        return min(1.0, fraction), text

    def _record(self, result):
        error = result.get("error")
        if error is None:
            return
        plugin = result["plugin"]
        instance = result.get("instance")
        subject = None
        if instance is not None:
            subject = (instance.data.get("mattebox") or {}).get("label") or instance.data.get("label") or instance.name
        if not isinstance(error, PublishError):
            error = PublishError("Host.PluginFailed", "{} failed: {}: {}".format(
                getattr(plugin, "label", None) or plugin.__name__, type(error).__name__, error),
                hint="this is a bug in mattebox's {} integration; the console has the traceback".format(self.host))
        stage = stage_of(plugin.order)
        self.report.errors.append(StageError(stage, plugin.__name__, subject or error.subject, error))
        if stage == "validate":
            self.report.stopped_at_validation = True

    def _finish(self):
        self.finished = True
        self.report.instances = len(self.instances())
        self.report.cancelled = self.cancelled or any(e.code == "Job.Cancelled" for e in self.report.errors)
        log.info("%s", self.report.summary())
