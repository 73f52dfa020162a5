"""Collect the mattebox node whose Run button was pressed."""

import pyblish.api

from mattebox.publish import JobRequest, add_clip_instance, clip_data


class CollectNode(pyblish.api.ContextPlugin):
    """Read the node's choices and input; the input is rendered to a movie first unless it is a plain Read of one."""

    order = pyblish.api.CollectorOrder
    label = "Collect the mattebox node"
    hosts = ["nuke"]

    def process(self, context):
        from mattebox_nuke.api import lib

        if "mattebox" not in context.data:
            return  # another pipeline's publish (pyblish is shared in the host): not ours
        settings = context.data["mattebox"]["settings"]
        name = settings["node"]
        snap = lib.on_main_thread(lib.snapshot, name, settings)
        request = JobRequest(settings["task"], snap["source"] or snap["matte"], snap["matte"], kind="matte",
                             backend=settings.get("backend") or None, frames=snap["frames"], options=settings["options"],
                             start_number=snap["start_number"], overwrite=True, job_id=settings["job_id"],
                             label=snap["label"], image_layout="coded")
        # the matte is copied into the plate's pixels as the Read gives them: a phone clip's coded
        # frames (a Read is taken not to apply the container's display matrix; not verified in Nuke)
        host = {"node": name, "first": snap["first"], "last": snap["last"], "mode": settings["output"],
                "prerendered": snap["prerendered"]}
        data = clip_data(snap["label"], request, source_frames=snap["source_frames"], problems=snap["problems"], host=host)
        add_clip_instance(context, name, data)
        self.log.info("%s: source %s, frames %s, pre-rendered: %s", snap["label"], snap["source"], snap["frames"],
                      snap["prerendered"])
