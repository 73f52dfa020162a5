"""mattebox's Nuke glue. What is not exported here is internal.

- :func:`install` / :func:`install_menu` / :func:`uninstall`: register with a Nuke session (``init.py``, ``menu.py``).
- :func:`create_node`: a mattebox node for a task (the menu's commands).
- :func:`run_node` / :func:`cancel_node`: the node's Run and Cancel buttons.
"""

from .node import create_node
from .pipeline import NukeInstall, install, install_menu, uninstall
from .run import cancel_node, run_node

__all__ = ["NukeInstall", "cancel_node", "create_node", "install", "install_menu", "run_node", "uninstall"]
