"""mattebox on the host side: the shared pyblish pipeline and the client of the runtime.

Host integrations (Blender, DaVinci Resolve, Nuke) import only this package. It needs nothing but
the standard library and pyblish-base, and stays importable on Python 3.6 (Resolve's oldest
supported Python): no ``from __future__ import annotations``, no ``X | Y`` or ``list[int]``
annotations, no dataclasses.

- :mod:`~mattebox.publish.runtime` finds the ``mattebox`` executable;
  :mod:`~mattebox.publish.client` starts jobs and checks and reads the job store through it;
  :mod:`~mattebox.publish.job` follows one job (typed :mod:`~mattebox.publish.messages`, cancel).
- :mod:`~mattebox.publish.pipeline` registers a host and the plugin folders;
  :mod:`~mattebox.publish.session` drives one publish without blocking the host's UI;
  :mod:`~mattebox.publish.instance` is the data contract between host and shared plugins.
- ``plugins/``: the host-agnostic pyblish plugins (check, validate, extract). A host adds only
  its collect and integrate plugins.
"""

from .client import CheckResult, RuntimeClient
from .errors import PublishError, ValidationError
from .instance import add_clip_instance, clip_data, problem
from .job import RuntimeJob
from .pipeline import FAMILY, InstallHandle, install, shared_plugin_path, uninstall
from .request import JobRequest, new_job_id
from .runtime import Runtime, find_runtime, write_config
from .session import PublishReport, PublishSession

__all__ = [
    "FAMILY",
    "CheckResult",
    "InstallHandle",
    "JobRequest",
    "PublishError",
    "PublishReport",
    "PublishSession",
    "Runtime",
    "RuntimeClient",
    "RuntimeJob",
    "ValidationError",
    "add_clip_instance",
    "clip_data",
    "find_runtime",
    "install",
    "new_job_id",
    "problem",
    "shared_plugin_path",
    "uninstall",
    "write_config",
]
