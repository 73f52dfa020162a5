"""Validate what the host knows about a clip before asking the runtime anything."""

import pyblish.api

from mattebox.publish.checks import clip_problems
from mattebox.publish.errors import ValidationError


class ValidateClip(pyblish.api.InstancePlugin):
    """The clip must exist, the frames used on the timeline must lie inside it, and the output folder must be writable.

    Problems the host found while collecting (a retimed strip, an image sequence) are reported here too,
    all at once, so one attempt shows everything there is to fix.
    """

    order = pyblish.api.ValidatorOrder
    label = "Validate clip"
    families = ["mattebox"]

    @classmethod
    def get_problems(cls, instance):
        return clip_problems(instance.data["mattebox"])

    def process(self, instance):
        problems = self.get_problems(instance)
        if problems:
            raise ValidationError(problems)
        self.log.debug("%s: clip ok", instance.name)
