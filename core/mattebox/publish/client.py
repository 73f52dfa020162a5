"""The host's handle on the runtime: start jobs and checks, read the job store, run ``doctor``.

Everything goes through the runtime's CLI (the runtime and the host are separate processes with
different Pythons); the JSON forms (``--progress json``, ``jobs list --json``, ``jobs show``,
``check --json``) are the contract.
"""

import json
import logging
import os

from .errors import PublishError, error_from_dict
from .job import RuntimeJob
from .process import RuntimeCall, error_from_stderr, runtime_env
from .runtime import find_runtime

__all__ = ["CheckResult", "RuntimeCheck", "RuntimeClient"]

log = logging.getLogger(__name__)


class CheckResult(object):
    """The runtime's verdict on a job before it runs.

    :param supported: False when this runtime has no ``check`` command (then nothing was checked).
    :param errors: the problems found, as :class:`~mattebox.publish.errors.PublishError`.
    :param info: what the runtime reported about the clip (``{"width", "height", "frames", ...}``).
    """

    def __init__(self, supported, errors=(), info=None, backend=None):
        self.supported = supported
        self.errors = list(errors)
        self.info = dict(info or {})
        self.backend = backend

    @property
    def ok(self):
        return not self.errors


class RuntimeCheck(object):
    """A ``mattebox check`` running in the background; :meth:`result` parses its answer."""

    def __init__(self, call, label):
        self.call = call
        self.label = label

    @property
    def done(self):
        return self.call.done

    def result(self):
        """The :class:`CheckResult` (waits for the command if needed)."""
        returncode, stdout, stderr = self.call.result()
        if returncode == 2 and "invalid choice: 'check'" in stderr:
            return CheckResult(supported=False)
        data = None
        for line in reversed(stdout.splitlines()):
            if line.strip().startswith("{"):
                try:
                    data = json.loads(line)
                except ValueError:
                    data = None
                break
        if data is None:
            if returncode == 0:
                raise PublishError("Runtime.Failed", "`mattebox check` gave no JSON answer for {}".format(self.label))
            error = error_from_stderr(returncode, stderr)
            error.subject = self.label
            return CheckResult(supported=True, errors=[error])
        errors = [error_from_dict(e, subject=self.label) for e in data.get("errors") or []]
        return CheckResult(True, errors, info=data.get("source"), backend=data.get("backend"))


class RuntimeClient(object):
    """Talks to one runtime.

    :param runtime: a located :class:`~mattebox.publish.runtime.Runtime`; default: :func:`find_runtime`
        with ``explicit`` (e.g. the path from a host's preferences).
    :param environ: the environment the runtime inherits (default: the host's, see
        :func:`~mattebox.publish.process.runtime_env`). Credentials reach the runtime only this way:
        a host never stores them.
    """

    def __init__(self, runtime=None, explicit=None, environ=None):
        self.runtime = runtime or find_runtime(explicit, environ)
        self.env = runtime_env(environ)

    def start_job(self, request):
        """Start ``request`` (a :class:`~mattebox.publish.request.JobRequest`); returns the running :class:`RuntimeJob`."""
        return RuntimeJob(self.runtime, request, env=self.env).start()

    def start_check(self, request):
        """Start ``mattebox check`` for ``request`` in the background; returns a :class:`RuntimeCheck`."""
        call = RuntimeCall(self.runtime.command(*request.check_args()), env=self.env, timeout=120.0).start()
        return RuntimeCheck(call, request.label)

    def call(self, *args, **kwargs):
        """Run ``mattebox ARGS`` to completion; returns ``(returncode, stdout, stderr)``.

        :param timeout: seconds (default 60).
        """
        timeout = kwargs.pop("timeout", 60.0)
        if kwargs:
            raise TypeError("unexpected arguments: {}".format(", ".join(kwargs)))
        return RuntimeCall(self.runtime.command(*args), env=self.env, timeout=timeout).start().result()

    def _json(self, *args):
        returncode, stdout, stderr = self.call(*args)
        if returncode != 0:
            raise error_from_stderr(returncode, stderr)
        try:
            return json.loads(stdout)
        except ValueError:
            raise PublishError("Runtime.Failed", "`mattebox {}` did not answer JSON".format(" ".join(args[:2])))

    def show_job(self, job_id):
        """The job store's record of ``job_id`` (a dict as ``mattebox jobs show`` prints it), or ``None``."""
        try:
            return self._json("jobs", "show", job_id)
        except PublishError as exc:
            if exc.code == "Job.NotFound":
                return None
            raise

    def jobs_for_source(self, source, limit=50):
        """The newest jobs of ``source`` in the job store (dicts, newest first)."""
        return self._json("jobs", "list", "--json", "--source", os.path.abspath(source), "--limit", str(int(limit)))

    def cancel_job(self, job_id):
        """Ask the job store to cancel ``job_id`` (the job's process stops within a second)."""
        returncode, _, stderr = self.call("jobs", "cancel", job_id)
        if returncode != 0:
            raise error_from_stderr(returncode, stderr)

    def start_doctor(self):
        """``mattebox doctor`` in the background (a :class:`~mattebox.publish.process.RuntimeCall`)."""
        return RuntimeCall(self.runtime.command("doctor"), env=self.env, timeout=120.0).start()

    def doctor(self):
        """Run ``mattebox doctor``; returns ``(ok, text)``."""
        returncode, stdout, stderr = self.start_doctor().result()
        return returncode == 0, (stdout + stderr).strip()

    def version(self):
        """The runtime's version string (``mattebox 0.1.0``)."""
        returncode, stdout, stderr = self.call("--version")
        if returncode != 0:
            raise error_from_stderr(returncode, stderr)
        return stdout.strip()
