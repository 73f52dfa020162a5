"""One runtime job seen from the host: start it, follow its progress, cancel it, read its result.

:class:`RuntimeJob` never blocks unless asked to (:meth:`RuntimeJob.wait`): a host's UI calls
:meth:`RuntimeJob.poll` from its timer and gets the typed messages that arrived since the last call.
Cancelling sends Ctrl-C to the runtime (POSIX) and, at the same time, asks the job store to cancel
the job (``mattebox jobs cancel ID``: the only way on Windows, and the fallback when the runtime was
started with SIGINT ignored); a runtime that still has not stopped after :data:`KILL_AFTER_S` is killed.
"""

import logging
import os
import queue
import time

from .errors import PublishError, error_from_dict
from .messages import JobFinished, JobProgress, JobStarted, ProcessExited
from .process import ProgressTail, RuntimeCall, error_from_stderr, interrupt, start_detached

__all__ = ["KILL_AFTER_S", "RuntimeJob"]

log = logging.getLogger(__name__)

KILL_AFTER_S = 20.0

CANCELLED = "CANCELLED"
SUCCESS = "PROCESS_SUCCESS"


class RuntimeJob(object):
    """A job running in the runtime's own process.

    :param runtime: the :class:`~mattebox.publish.runtime.Runtime`.
    :param request: the :class:`~mattebox.publish.request.JobRequest`.
    :param env: the runtime's environment (see :func:`~mattebox.publish.process.runtime_env`).

    After :meth:`start`, :attr:`status` follows the runtime (``QUEUING`` until it starts, then the
    videoseg statuses); once :attr:`done`, :attr:`outputs` holds the written files on success and
    :attr:`error` a :class:`~mattebox.publish.errors.PublishError` otherwise.
    """

    def __init__(self, runtime, request, env=None):
        self.runtime = runtime
        self.request = request
        self.env = env
        self.status = "QUEUING"
        self.started = None  # JobStarted
        self.progress = None  # the latest JobProgress of the "frames" stage
        self.stage = None  # the latest JobProgress of any stage
        self.finished = None  # JobFinished
        self.outputs = []
        self.error = None
        self.returncode = None
        self.started_at = None
        self.ended_at = None
        self._process = None
        self._tail = None
        self._done = False
        self._cancel_at = None
        self._store_cancel = None

    @property
    def job_id(self):
        return self.request.job_id

    @property
    def done(self):
        """True once the runtime process has exited and every message was read."""
        return self._done

    @property
    def ok(self):
        return self._done and self.error is None and self.status == SUCCESS

    @property
    def cancel_requested(self):
        return self._cancel_at is not None

    @property
    def fraction(self):
        """Progress of the frames stage, 0..1 (1 once finished)."""
        if self._done:
            return 1.0
        return self.progress.fraction if self.progress is not None else 0.0

    def start(self):
        """Start the runtime process (returns at once)."""
        if self._process is not None:
            raise RuntimeError("job {} already started".format(self.job_id))
        if not os.path.isdir(self.request.log_dir):
            os.makedirs(self.request.log_dir)
        command = self.runtime.command(*self.request.run_args())
        log.info("job %s: %s", self.job_id, " ".join(command))
        self.started_at = time.time()
        self._process = start_detached(command, self.request.progress_log, self.request.error_log, env=self.env)
        self._tail = ProgressTail(self._process, self.request.progress_log, self.request.error_log,
                                  name="mattebox-job-" + self.job_id).start()
        return self

    def poll(self, timeout=0.0):
        """The messages that arrived since the last call (waits up to ``timeout`` s for the first one)."""
        if self._tail is None:
            return []
        messages = []
        try:
            first = self._tail.messages.get(timeout=timeout) if timeout else self._tail.messages.get_nowait()
            messages.append(first)
            while True:
                messages.append(self._tail.messages.get_nowait())
        except queue.Empty:
            pass
        for message in messages:
            self._apply(message)
        self._escalate_cancel()
        return messages

    def wait(self, timeout=None, on_message=None):
        """Block until the job is done (or ``timeout`` s passed); returns :attr:`done`.

        :param on_message: called with each message as it arrives (progress displays).
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._done:
            left = 0.25 if deadline is None else min(0.25, deadline - time.monotonic())
            if left <= 0:
                break
            for message in self.poll(timeout=left):
                if on_message is not None:
                    on_message(message)
        return self._done

    def _apply(self, message):
        if isinstance(message, JobStarted):
            self.started = message
            self.status = "PROCESSING"
        elif isinstance(message, JobProgress):
            self.stage = message
            if message.stage == "frames":
                self.progress = message
        elif isinstance(message, JobFinished):
            self.finished = message
            self.status = message.status
            if message.ok:
                self.outputs = list(message.outputs)
            else:
                self.error = error_from_dict(message.error, subject=self.request.label)
        elif isinstance(message, ProcessExited):
            self._finish(message)

    def _finish(self, exited):
        self.returncode = exited.returncode
        self.ended_at = time.time()
        self._done = True
        if self.finished is None:
            # The runtime ended without a final event: a bad command line, a crash, a kill.
            if self._cancel_at is not None:
                self.status = CANCELLED
                self.error = PublishError("Job.Cancelled", "{}: cancelled".format(self.request.label),
                                          subject=self.request.label)
            else:
                self.status = "PROCESS_FAILED"
                self.error = error_from_stderr(exited.returncode, exited.stderr)
                self.error.subject = self.request.label
        elif self.finished.ok and exited.returncode != 0:
            self.status = "PROCESS_FAILED"
            self.error = error_from_stderr(exited.returncode, exited.stderr)
        if self.error is not None:
            log.info("job %s ended %s: %s", self.job_id, self.status, self.error.user_text())
        else:
            log.info("job %s ended %s after %.1f s", self.job_id, self.status, self.ended_at - self.started_at)

    def cancel(self):
        """Ask the job to stop (returns at once; the job reports ``CANCELLED`` when it has)."""
        if self._done or self._cancel_at is not None:
            return
        self._cancel_at = time.monotonic()
        if self._process is None:  # never started: nothing to stop
            self._done = True
            self.status = CANCELLED
            self.error = PublishError("Job.Cancelled", "{}: cancelled before it started".format(self.request.label),
                                      subject=self.request.label)
            return
        interrupt(self._process)
        self._cancel_in_store()

    def _cancel_in_store(self):
        self._store_cancel = RuntimeCall(self.runtime.command("jobs", "cancel", self.job_id), env=self.env,
                                         timeout=60.0).start()

    def _escalate_cancel(self):
        if self._done or self._cancel_at is None or self._process is None:
            return
        if self._process.poll() is not None:
            return
        store = self._store_cancel
        if store is not None and store.done and store.returncode != 0 and store.error is None:
            # The runtime had not recorded the job yet (it was still starting): ask again.
            self._cancel_in_store()
        if time.monotonic() - self._cancel_at > KILL_AFTER_S:
            log.warning("job %s did not stop %.0f s after the cancel request; killing the runtime", self.job_id, KILL_AFTER_S)
            self._process.kill()
