"""mattebox for DaVinci Resolve: Workspace > Scripts > mattebox.

The installer copies this file into Resolve's ``Fusion/Scripts/Utility`` folder and fills in
``HOST_LIB``, the folder holding mattebox's host packages and pyblish. It runs in whatever Python
the user gave Resolve (3.6 and later), uses only the standard library, and hands all the work to
the mattebox runtime (a separate process).
"""

import os
import sys

HOST_LIB = None  # written by the mattebox installer


def _host_paths():
    if HOST_LIB:
        return [HOST_LIB]
    here = os.path.dirname(os.path.abspath(globals().get("__file__") or "."))  # a checkout: hosts/mattebox_resolve
    hosts = os.path.dirname(here)
    return [hosts, os.path.join(os.path.dirname(hosts), "core")]


def _resolve_objects():
    """``resolve``, ``fusion`` and ``bmd`` as Resolve gives them to menu scripts, else through DaVinciResolveScript."""
    scope = globals()
    bmd = scope.get("bmd")
    resolve = scope.get("resolve")
    if resolve is None and bmd is not None:
        resolve = bmd.scriptapp("Resolve")
    if resolve is None or bmd is None:
        import DaVinciResolveScript as bmd

        resolve = resolve or bmd.scriptapp("Resolve")
    if resolve is None:
        raise SystemExit("mattebox: DaVinci Resolve is not running (or external scripting is off in its preferences)")
    return resolve, scope.get("fusion") or resolve.Fusion(), bmd


def main():
    for path in reversed(_host_paths()):
        if path not in sys.path:
            sys.path.insert(0, path)
    from mattebox_resolve.api import run_window

    resolve, fusion, bmd = _resolve_objects()
    return run_window(resolve, fusion, bmd)


if __name__ == "__main__" or any(name in globals() for name in ("resolve", "fusion", "fu", "bmd")):
    main()  # Resolve runs menu scripts with its objects in the globals
