"""mattebox's DaVinci Resolve glue (Python 3.6 and later, standard library and pyblish). What is not exported here is internal.

- :func:`run_window`: the Workspace > Scripts > mattebox window.
- :func:`install` / :func:`uninstall`: the pyblish registration; :func:`start_publish`: a publish without the window.
"""

from .pipeline import install, start_publish, uninstall
from .ui import MatteboxWindow, run_window

__all__ = ["MatteboxWindow", "install", "run_window", "start_publish", "uninstall"]
