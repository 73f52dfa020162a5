"""Put a matte on the timeline and mask its source with it."""

import bpy
import pyblish.api


class IntegrateMatteStrip(pyblish.api.InstancePlugin):
    """The matte goes, muted, in the first free channel above its source and drives a Mask modifier on the source."""

    order = pyblish.api.IntegratorOrder
    label = "Add the matte and its Mask modifier"
    hosts = ["blender"]
    families = ["blender.strip.matte"]

    def process(self, instance):
        mb = instance.context.data["mattebox"]
        data = instance.data["mattebox"]
        summary = mb["host_api"].integrate.integrate_output(bpy.context, data["host"], "matte", data["outputs"])
        mb["session"].report.integrated.append(summary)
        self.log.info("%s: matte %r in channel %d masks the strip", data["label"], summary["layer"], summary["channel"])
