"""Validate a clip against the backend's limits, with the runtime's own verdict and error codes."""

import pyblish.api

from mattebox.publish.errors import ValidationError


class ValidateLimits(pyblish.api.InstancePlugin):
    """The clip must fit the chosen backend's limits (formats, size, frames, resolution).

    The runtime checks them with the error code the service would answer (``InvalidFile.Resolution``,
    ``InvalidFile.Content``, ...). A runtime without the ``check`` command checks them when the job starts.
    """

    order = pyblish.api.ValidatorOrder + 0.1
    label = "Validate backend limits"
    families = ["mattebox"]

    def process(self, instance):
        data = instance.data["mattebox"]
        handle = data.get("check_handle")
        if handle is None:
            return
        result = handle.result()
        if not result.supported:
            self.log.info("%s: this runtime has no `check` command; the limits are checked when the job starts",
                          data.get("label"))
            return
        data["checked"] = {"backend": result.backend, "source": result.info}
        if result.errors:
            raise ValidationError(result.errors, subject=data.get("label"))
