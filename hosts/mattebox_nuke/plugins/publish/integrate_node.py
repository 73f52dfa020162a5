"""Wire a finished job's matte into its mattebox node."""

import pyblish.api


class IntegrateNode(pyblish.api.InstancePlugin):
    """Inside the node: Read of the matte, Copy into alpha, Premult (or the matte alone in ``matte`` mode)."""

    order = pyblish.api.IntegratorOrder
    label = "Wire the matte into the node"
    hosts = ["nuke"]
    families = ["mattebox"]

    def process(self, instance):
        from mattebox_nuke.api import lib

        data = instance.data["mattebox"]
        host = data["host"]
        [matte] = [o for o in data["outputs"] if o["kind"] == "matte"]
        lib.on_main_thread(lib.wire_result, host["node"], matte["path"], host["first"], host["last"], host["mode"])
        session = instance.context.data["mattebox"]["session"]
        session.report.integrated.append({"label": data["label"], "job": data.get("job_id"), "first": host["first"],
                                          "last": host["last"], "matte": matte["path"]})
