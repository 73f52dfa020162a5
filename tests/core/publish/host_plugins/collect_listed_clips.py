"""Test host: one instance per clip listed in the session's settings (what a host's collector does)."""

import pyblish.api

from mattebox.publish import JobRequest, add_clip_instance, clip_data


class CollectListedClips(pyblish.api.ContextPlugin):
    """Collect the clips listed in ``settings["clips"]``."""

    order = pyblish.api.CollectorOrder
    label = "Collect listed clips"
    hosts = ["mattebox-test"]

    def process(self, context):
        for i, clip in enumerate(context.data["mattebox"]["settings"]["clips"]):
            request = JobRequest(**clip["request"])
            data = clip_data(clip["label"], request, source_frames=clip.get("source_frames"),
                             problems=clip.get("problems", ()), host={"slot": i})
            add_clip_instance(context, clip["label"], data)
