"""mattebox: person mattes and green-screen keys for editing timelines.

The runtime's core: tasks, jobs, errors, limits, media I/O, the streaming pipeline and the plugin
system. It knows no host application and no particular backend. Backends are pluggy plugins that
implement the hooks in :mod:`mattebox.hookspecs` with :data:`hookimpl`.

Importing this package must stay cheap and safe inside host applications (Blender, Nuke,
Resolve), whose Pythons have neither pluggy nor numpy: host adapters only use
:mod:`mattebox.publish`, which needs the standard library and pyblish.
"""

__version__ = "0.1.0"

try:
    import pluggy as _pluggy
except ImportError:  # inside a host application: only mattebox.publish is used there
    hookimpl = None
else:
    hookimpl = _pluggy.HookimplMarker("mattebox")
    """Marker for hook implementations in mattebox plugins."""

__all__ = ["__version__", "hookimpl"]
