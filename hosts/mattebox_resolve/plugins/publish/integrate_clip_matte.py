"""Attach a matte to the source's media pool item, for the Color page."""

import pyblish.api

from mattebox.publish import PublishError


class IntegrateClipMatte(pyblish.api.InstancePlugin):
    """Add the matte as a clip matte of the source clip (``AddClipMattesToMediaPool``)."""

    order = pyblish.api.IntegratorOrder
    label = "Attach the clip matte"
    hosts = ["resolve"]
    families = ["mattebox"]

    def process(self, instance):
        data = instance.data["mattebox"]
        if data["host"]["mode"] != "clip_matte":
            return
        resolve = instance.context.data["mattebox"]["settings"]["resolve"]
        objects = instance.data["resolve"]
        mpi = objects["media_pool_item"]
        [output] = [o for o in data["outputs"] if o["kind"] == "matte"]
        pool = objects["project"].GetMediaPool()
        if output["path"] not in (pool.GetClipMatteList(mpi) or []):
            if not resolve.GetMediaStorage().AddClipMattesToMediaPool(mpi, [output["path"]]):
                raise PublishError("Host.ImportFailed", "{}: Resolve did not attach the matte {}".format(data["label"], output["path"]))
        session = instance.context.data["mattebox"]["session"]
        session.report.integrated.append({"label": data["label"], "job": data.get("job_id"), "matte": output["path"]})
