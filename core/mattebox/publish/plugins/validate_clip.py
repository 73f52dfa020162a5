"""Validate what the host knows about a clip before asking the runtime anything."""

import os

import pyblish.api

from mattebox.publish.errors import PublishError, ValidationError
from mattebox.publish.request import KINDS, TASKS


def _writable_folder(path):
    """The nearest existing folder of ``path`` (it is created later), and whether it is writable."""
    folder = os.path.dirname(os.path.abspath(path))
    while folder and not os.path.isdir(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return folder, os.access(folder, os.W_OK | os.X_OK)


class ValidateClip(pyblish.api.InstancePlugin):
    """The clip must exist, the frames used on the timeline must lie inside it, and the output folder must be writable.

    Problems the host found while collecting (a retimed strip, an image sequence) are reported here too,
    all at once, so one attempt shows everything there is to fix.
    """

    order = pyblish.api.ValidatorOrder
    label = "Validate clip"
    families = ["mattebox"]

    @classmethod
    def get_problems(cls, instance):
        data = instance.data["mattebox"]
        label = data.get("label") or instance.name
        problems = [PublishError(p["code"], p["message"], hint=p.get("hint"), subject=label)
                    for p in data.get("problems") or []]
        request = data.get("request") or {}
        source = request.get("source") or ""
        if not source or not os.path.exists(source):
            problems.append(PublishError("InvalidFile.Download", "{}: the media file {} does not exist".format(label, source or "(none)"),
                                         subject=label))
        elif not os.path.isfile(source):
            problems.append(PublishError("InvalidFile.Type", "{}: {} is not a file".format(label, source), subject=label))
        elif not os.access(source, os.R_OK):
            problems.append(PublishError("InvalidFile.Download", "{}: {} is not readable".format(label, source), subject=label))
        if request.get("task") not in TASKS:
            problems.append(PublishError("InvalidParameter", "{}: unknown task {!r}; choose one of: {}".format(
                label, request.get("task"), ", ".join(TASKS)), subject=label))
        if request.get("kind") not in KINDS:
            problems.append(PublishError("InvalidParameter", "{}: unknown output {!r}; choose one of: {}".format(
                label, request.get("kind"), ", ".join(KINDS)), subject=label))
        frames = request.get("frames")
        total = data.get("source_frames")
        if frames is not None:
            first, last = int(frames[0]), int(frames[1])
            if first < 0 or last < first:
                problems.append(PublishError("InvalidParameter", "{}: no frames of the clip are used (range {}-{})".format(
                    label, first, last), subject=label))
            elif total and last >= int(total):
                problems.append(PublishError("InvalidParameter", "{}: frames {}-{} are used but the clip has frames 0-{}".format(
                    label, first, last, int(total) - 1), subject=label))
        output = request.get("output")
        if not output:
            problems.append(PublishError("InvalidOutput.Path", "{}: no output path".format(label), subject=label))
        else:
            folder, writable = _writable_folder(output)
            if not writable:
                problems.append(PublishError("InvalidOutput.Path", "{}: the output folder {} is not writable".format(label, folder),
                                             subject=label))
        return problems

    def process(self, instance):
        problems = self.get_problems(instance)
        if problems:
            raise ValidationError(problems)
        self.log.debug("%s: clip ok", instance.name)
