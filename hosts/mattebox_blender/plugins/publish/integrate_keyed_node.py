"""Put a keyed layer into the compositor in place of its source node's output."""

import bpy
import pyblish.api


class IntegrateKeyedNode(pyblish.api.InstancePlugin):
    """An Image node with the keyed layer, timed like its source, takes over the source node's links."""

    order = pyblish.api.IntegratorOrder
    label = "Add the keyed Image node"
    hosts = ["blender"]
    families = ["blender.node.keyed"]

    def process(self, instance):
        mb = instance.context.data["mattebox"]
        data = instance.data["mattebox"]
        summary = mb["host_api"].integrate.integrate_output(bpy.context, data["host"], "keyed", data["outputs"])
        mb["session"].report.integrated.append(summary)
        self.log.info("%s: keyed Image node %r", data["label"], summary["layer"])
