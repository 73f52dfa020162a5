"""mattebox's Nuke start-up (headless-safe: it also runs in ``nuke -t``): make the packages importable, register pyblish.

The installer adds this folder to Nuke's plugin path from ``~/.nuke/init.py``. The host library is
the ``hosts`` folder beside this one (installed layout) or the repository's ``hosts`` and ``core``
(a checkout).
"""

import os
import sys


def _mattebox_paths():
    here = os.path.dirname(os.path.abspath(__file__))
    installed = os.path.join(os.path.dirname(here), "hosts")
    if os.path.isdir(os.path.join(installed, "mattebox_nuke")):
        return [installed]
    hosts = os.path.dirname(os.path.dirname(here))
    return [hosts, os.path.join(os.path.dirname(hosts), "core")]


for _path in _mattebox_paths():
    if _path not in sys.path:
        sys.path.append(_path)

import mattebox_nuke.api  # noqa: E402

mattebox_install = mattebox_nuke.api.install()
