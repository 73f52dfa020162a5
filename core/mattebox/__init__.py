"""mattebox: person mattes and green-screen keys for editing timelines.

The runtime's core: tasks, jobs, errors, limits, media I/O, the streaming pipeline and the plugin
system. It knows no host application and no particular backend. Backends are pluggy plugins that
implement the hooks in :mod:`mattebox.hookspecs` with :data:`hookimpl`.
"""

from __future__ import annotations

import pluggy

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("mattebox")
"""Marker for hook implementations in mattebox plugins."""

from .errors import MatteboxError  # noqa: E402
from .tasks import Task  # noqa: E402

__all__ = ["MatteboxError", "Task", "__version__", "hookimpl"]
