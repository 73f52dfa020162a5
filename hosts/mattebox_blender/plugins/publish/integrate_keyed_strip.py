"""Put a keyed layer on the timeline above its source."""

import bpy
import pyblish.api


class IntegrateKeyedStrip(pyblish.api.InstancePlugin):
    """The keyed layer goes in the first free channel above its source, ALPHA_OVER, on exactly the source's frames."""

    order = pyblish.api.IntegratorOrder
    label = "Add the keyed layer"
    hosts = ["blender"]
    families = ["blender.strip.keyed"]

    def process(self, instance):
        mb = instance.context.data["mattebox"]
        data = instance.data["mattebox"]
        summary = mb["host_api"].integrate.integrate_output(bpy.context, data["host"], "keyed", data["outputs"])
        mb["session"].report.integrated.append(summary)
        self.log.info("%s: keyed layer %r in channel %d", data["label"], summary["layer"], summary["channel"])
