"""Ask the runtime, in the background, whether each clip fits the chosen backend's limits."""

import pyblish.api

from mattebox.publish.request import JobRequest


class CollectRuntimeCheck(pyblish.api.InstancePlugin):
    """Start ``mattebox check`` for every clip (they run side by side; validation reads the answers)."""

    order = pyblish.api.CollectorOrder + 0.45
    label = "Ask the runtime about the clip"
    families = ["mattebox"]

    def process(self, instance):
        data = instance.data["mattebox"]
        if data.get("problems"):
            return  # the host already knows this clip cannot be processed; ValidateClip says why
        session = instance.context.data["mattebox"]["session"]
        request = JobRequest.from_dict(data["request"])
        data["check_handle"] = session.track(session.client.start_check(request))
