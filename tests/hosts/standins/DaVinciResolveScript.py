"""Stand-in for the ``DaVinciResolveScript`` module Resolve ships (Developer/Scripting/Modules).

``scriptapp("Resolve")`` answers the running Resolve (the one a test started with
:func:`resolve_standin.new_resolve` and registered here), ``None`` when none runs, as the real module does.
"""

from fusion_standin import UIDispatcher  # noqa: F401  (the real module is fusionscript, which has it)

_running = {}


def scriptapp(app):
    """The application object: ``"Resolve"`` or ``"Fusion"``; ``None`` when it is not running."""
    if app not in ("Resolve", "Fusion"):
        raise ValueError("scriptapp takes 'Resolve' or 'Fusion'")
    resolve = _running.get("Resolve")
    if resolve is None:
        return None
    return resolve if app == "Resolve" else resolve.Fusion()


def _register(resolve):
    """Harness: make ``resolve`` the running application (``None`` quits it)."""
    if resolve is None:
        _running.clear()
    else:
        _running["Resolve"] = resolve
