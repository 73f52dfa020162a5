"""Start the runtime job that makes a clip's matte or keyed layer."""

import os

import pyblish.api

from mattebox.publish.errors import PublishError
from mattebox.publish.request import JobRequest


class ExtractMatte(pyblish.api.InstancePlugin):
    """Start the job in the mattebox runtime (its own process: the host stays responsive and safe)."""

    order = pyblish.api.ExtractorOrder
    label = "Start the mattebox job"
    families = ["mattebox"]

    def process(self, instance):
        data = instance.data["mattebox"]
        session = instance.context.data["mattebox"]["session"]
        if session.cancelled:
            instance.data["publish"] = False
            raise PublishError("Job.Cancelled", "{}: cancelled before it started".format(data.get("label")))
        request = JobRequest.from_dict(data["request"])
        try:
            for folder in (os.path.dirname(request.output), request.log_dir):
                if not os.path.isdir(folder):
                    os.makedirs(folder)
            job = session.start_job(instance, request)
        except OSError as exc:
            instance.data["publish"] = False
            raise PublishError("InvalidOutput.Path", "{}: cannot create {}: {}".format(data.get("label"), exc.filename, exc.strerror))
        except PublishError:
            instance.data["publish"] = False
            raise
        data["job_id"] = job.job_id
        self.log.info("%s: job %s started", data.get("label"), job.job_id)
