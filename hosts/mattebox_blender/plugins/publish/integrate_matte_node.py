"""Put a matte into the compositor: the source node's image gets it as alpha."""

import bpy
import pyblish.api


class IntegrateMatteNode(pyblish.api.InstancePlugin):
    """An Image node with the matte feeds a Set Alpha node on the source, which takes over the source's links."""

    order = pyblish.api.IntegratorOrder
    label = "Add the matte and a Set Alpha node"
    hosts = ["blender"]
    families = ["blender.node.matte"]

    def process(self, instance):
        mb = instance.context.data["mattebox"]
        data = instance.data["mattebox"]
        summary = mb["host_api"].integrate.integrate_output(bpy.context, data["host"], "matte", data["outputs"])
        mb["session"].report.integrated.append(summary)
        self.log.info("%s: matte %r through Set Alpha %r", data["label"], summary["layer"], summary["set_alpha"])
