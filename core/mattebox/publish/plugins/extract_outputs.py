"""Collect what a finished job wrote, or report why it did not finish."""

import pyblish.api


class ExtractOutputs(pyblish.api.InstancePlugin):
    """Wait for the job to end and collect its outputs; a failed or cancelled job stops this clip here."""

    order = pyblish.api.ExtractorOrder + 0.4
    label = "Collect the job's outputs"
    families = ["mattebox"]

    def process(self, instance):
        data = instance.data["mattebox"]
        session = instance.context.data["mattebox"]["session"]
        job = session.job_for(instance)
        if job is None:
            instance.data["publish"] = False
            return  # ExtractMatte failed for this clip and reported why
        job.wait()
        if job.error is not None:
            instance.data["publish"] = False
            raise job.error
        data["outputs"] = [dict(o._asdict()) for o in job.outputs]
        data["status"] = job.status
        self.log.info("%s: job %s wrote %s", data.get("label"), job.job_id, ", ".join(o.path for o in job.outputs))
