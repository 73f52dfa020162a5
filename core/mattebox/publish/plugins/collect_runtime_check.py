"""Ask the runtime, in the background, whether each clip fits the chosen backend's limits."""

import os

import pyblish.api

from mattebox.publish.checks import clip_problems
from mattebox.publish.request import JobRequest


class CollectRuntimeCheck(pyblish.api.InstancePlugin):
    """Start ``mattebox check`` for every clip (they run side by side; validation reads the answers).

    The output folder is mattebox's own: it is created here so the runtime checks the real target.
    """

    order = pyblish.api.CollectorOrder + 0.45
    label = "Ask the runtime about the clip"
    families = ["mattebox"]

    def process(self, instance):
        data = instance.data["mattebox"]
        if clip_problems(data):
            return  # the host already sees why this clip cannot be processed; ValidateClip reports it
        session = instance.context.data["mattebox"]["session"]
        request = JobRequest.from_dict(data["request"])
        folder = os.path.dirname(request.output)
        try:
            if not os.path.isdir(folder):
                os.makedirs(folder)
        except OSError as exc:
            self.log.warning("cannot create the output folder %s: %s", folder, exc)  # ValidateClip reports it
        data["check_handle"] = session.track(session.client.start_check(request))
