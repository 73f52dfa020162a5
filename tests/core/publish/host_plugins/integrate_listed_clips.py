"""Test host: record what would be integrated (a real host creates strips/nodes here)."""

import pyblish.api


class IntegrateListedClips(pyblish.api.InstancePlugin):
    """Record each finished clip's outputs in the report."""

    order = pyblish.api.IntegratorOrder
    label = "Integrate listed clips"
    hosts = ["mattebox-test"]
    families = ["mattebox"]

    def process(self, instance):
        data = instance.data["mattebox"]
        session = instance.context.data["mattebox"]["session"]
        session.report.integrated.append({"label": data["label"], "slot": data["host"]["slot"], "outputs": data["outputs"]})
