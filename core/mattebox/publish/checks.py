"""What a host can check about a clip by itself, before asking the runtime (shared by the plugins)."""

import os

from .errors import PublishError
from .request import KINDS, TASKS

__all__ = ["clip_problems"]


def _writable_folder(path):
    """The nearest existing folder of ``path`` (the rest is created later), and whether it is writable."""
    folder = os.path.dirname(os.path.abspath(path))
    while folder and not os.path.isdir(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return folder, os.access(folder, os.W_OK | os.X_OK)


def clip_problems(data):
    """Every problem of one clip's ``instance.data["mattebox"]`` that the host side can see.

    The host collector's own ``problems``, then: the media file exists and is readable, the task and
    output kind are known, the frames used lie inside the clip, the output folder can be written.

    :returns: a list of :class:`~mattebox.publish.errors.PublishError` (empty when the clip is fine).
    """
    label = data.get("label") or "clip"
    request = data.get("request") or {}
    problems = [PublishError(p["code"], p["message"], hint=p.get("hint"), subject=label) for p in data.get("problems") or []]

    def add(code, message):
        problems.append(PublishError(code, "{}: {}".format(label, message), subject=label))

    source = request.get("source") or ""
    if not source or not os.path.exists(source):
        add("InvalidFile.Download", "the media file {} does not exist".format(source or "(none)"))
    elif not os.path.isfile(source):
        add("InvalidFile.Type", "{} is not a file".format(source))
    elif not os.access(source, os.R_OK):
        add("InvalidFile.Download", "{} is not readable".format(source))
    if request.get("task") not in TASKS:
        add("InvalidParameter", "unknown task {!r}; choose one of: {}".format(request.get("task"), ", ".join(TASKS)))
    if request.get("kind") not in KINDS:
        add("InvalidParameter", "unknown output {!r}; choose one of: {}".format(request.get("kind"), ", ".join(KINDS)))
    frames = request.get("frames")
    total = data.get("source_frames")
    if frames is not None:
        first, last = int(frames[0]), int(frames[1])
        if first < 0 or last < first:
            add("InvalidParameter", "no frames of the clip are used (range {}-{})".format(first, last))
        elif total and last >= int(total):
            add("InvalidParameter", "frames {}-{} are used but the clip has frames 0-{}".format(first, last, int(total) - 1))
    output = request.get("output")
    if not output:
        add("InvalidOutput.Path", "no output path")
    else:
        folder, writable = _writable_folder(output)
        if not writable:
            add("InvalidOutput.Path", "the output folder {} is not writable".format(folder))
    return problems
