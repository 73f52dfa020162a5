"""Start runtime commands from a host without ever blocking or tying the runtime to the host.

A job's process is started detached (its own session on POSIX, its own process group on Windows)
with its JSON progress written to a file, not a pipe: if the host application closes or crashes,
the runtime finishes the job anyway and records it in its job store, where the host finds it on
its next start. A daemon thread tails the progress file and turns each line into a typed message
(:mod:`mattebox.publish.messages`) on a queue; the host's main thread drains that queue.

Short commands (``check``, ``jobs show``, ``doctor``) run through :class:`RuntimeCall`, which
collects their output on a thread so a host's UI can poll it.
"""

import logging
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time

from .errors import PublishError
from .messages import ProcessExited, parse_line

__all__ = ["ProgressTail", "RuntimeCall", "error_from_stderr", "interrupt", "runtime_env", "start_detached"]

log = logging.getLogger(__name__)

# Variables of the host's own Python that would break the runtime's Python (Resolve and Nuke set
# PYTHONPATH to their own modules). A runtime that needs extra variables uses a wrapper script.
_HOST_PYTHON_VARS = ("PYTHONHOME", "PYTHONPATH", "PYTHONEXECUTABLE", "__PYVENV_LAUNCHER__")

_ERROR_LINE = re.compile(r"^([A-Z][A-Za-z]*(?:\.[A-Za-z]+)*): (.+)$")

_TAIL_POLL_S = 0.02


def runtime_env(environ=None):
    """The environment for the runtime: the host's, minus the host Python's own variables."""
    env = dict(os.environ if environ is None else environ)
    for name in _HOST_PYTHON_VARS:
        env.pop(name, None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _detach_kwargs():
    if sys.platform == "win32":
        flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200) | getattr(subprocess, "CREATE_NO_WINDOW", 0x08000000)
        return {"creationflags": flags}
    return {"start_new_session": True}


def start_detached(command, stdout_path, stderr_path, env=None):
    """Start ``command`` detached from the host, stdout and stderr into files; returns the ``Popen``.

    :raises PublishError: ``Runtime.NotFound`` when the executable cannot be started.
    """
    out = open(stdout_path, "wb")
    err = open(stderr_path, "wb")
    try:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, close_fds=True,
                                **_detach_kwargs())
    except OSError as exc:
        raise PublishError("Runtime.NotFound", "cannot start the runtime {}: {}".format(command[0], exc))
    finally:
        out.close()
        err.close()


def error_from_stderr(returncode, stderr):
    """The runtime's ``Code: message`` (and ``hint:``) from its stderr, or a generic error quoting it."""
    lines = [line.rstrip() for line in (stderr or "").splitlines() if line.strip()]
    for i in range(len(lines) - 1, -1, -1):
        match = _ERROR_LINE.match(lines[i].strip())
        if match and not lines[i].startswith((" ", "\t")):
            hint = None
            if i + 1 < len(lines) and lines[i + 1].strip().startswith("hint:"):
                hint = lines[i + 1].strip()[len("hint:"):].strip()
            return PublishError(match.group(1), match.group(2), hint=hint)
    tail = " | ".join(lines[-3:]) if lines else "no error output"
    if returncode == 2 and any("error:" in line for line in lines):
        return PublishError("InvalidParameter", "the runtime rejected the command: {}".format(tail))
    return PublishError("Runtime.Failed", "the runtime exited with status {}: {}".format(returncode, tail))


def _read_tail(path, limit=8000):
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - limit))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


class ProgressTail(object):
    """Follow a job's progress file on a daemon thread, putting parsed messages on :attr:`messages`.

    Ends with a :class:`~mattebox.publish.messages.ProcessExited` once the process has exited and
    the file is read to its end.
    """

    def __init__(self, process, progress_path, stderr_path, name="mattebox-progress"):
        self.messages = queue.Queue()
        self._process = process
        self._progress_path = progress_path
        self._stderr_path = stderr_path
        self._thread = threading.Thread(target=self._run, name=name)
        self._thread.daemon = True

    def start(self):
        self._thread.start()
        return self

    def _emit_line(self, line):
        try:
            message = parse_line(line)
        except Exception:  # a parser bug must not kill the thread: the job's end still has to arrive
            log.exception("could not parse a runtime progress line")
            return
        if message is not None:
            self.messages.put(message)

    def _run(self):
        pending = ""
        try:
            with open(self._progress_path, "r") as fh:
                while True:
                    chunk = fh.readline()
                    if chunk:
                        pending += chunk
                        if pending.endswith("\n"):
                            self._emit_line(pending)
                            pending = ""
                        continue
                    if self._process.poll() is not None:
                        rest = fh.read()
                        for line in (pending + rest).splitlines():
                            self._emit_line(line)
                        break
                    time.sleep(_TAIL_POLL_S)
        except Exception:
            log.exception("lost the runtime's progress file %s", self._progress_path)
        returncode = self._process.wait()
        self.messages.put(ProcessExited(returncode, _read_tail(self._stderr_path)))


class RuntimeCall(object):
    """A short runtime command whose output is collected on a thread (poll :attr:`done`, then :meth:`result`).

    :param command: the full argument list.
    :param env: the environment (see :func:`runtime_env`).
    :param timeout: seconds before the command is killed and reported as failed.
    """

    def __init__(self, command, env=None, timeout=120.0):
        self.command = list(command)
        self.returncode = None
        self.stdout = ""
        self.stderr = ""
        self.error = None
        self._env = env
        self._timeout = timeout
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mattebox-call")
        self._thread.daemon = True

    def start(self):
        self._thread.start()
        return self

    def _run(self):
        try:
            proc = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=self._env, universal_newlines=True)
        except OSError as exc:
            self.error = PublishError("Runtime.NotFound", "cannot start the runtime {}: {}".format(self.command[0], exc))
            self._done.set()
            return
        try:
            self.stdout, self.stderr = proc.communicate(timeout=self._timeout)
            self.returncode = proc.returncode
        except subprocess.TimeoutExpired:
            proc.kill()
            self.stdout, self.stderr = proc.communicate()
            self.returncode = proc.returncode
            self.error = PublishError("Runtime.Failed", "`{}` did not answer within {:.0f} s".format(
                " ".join(self.command[1:3]), self._timeout))
        self._done.set()

    @property
    def done(self):
        return self._done.is_set()

    def wait(self, timeout=None):
        """Wait for the command; returns :attr:`done`."""
        return self._done.wait(timeout)

    def result(self):
        """``(returncode, stdout, stderr)`` of the finished command.

        :raises PublishError: the command could not be started or timed out.
        """
        self._done.wait()
        if self.error is not None:
            raise self.error
        return self.returncode, self.stdout, self.stderr


def interrupt(process):
    """Ask a detached runtime process to cancel as Ctrl-C would (POSIX); a no-op on Windows."""
    if sys.platform == "win32" or process.poll() is not None:
        return False
    try:
        os.kill(process.pid, signal.SIGINT)
        return True
    except OSError:
        return False
