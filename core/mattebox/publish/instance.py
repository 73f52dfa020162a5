"""The data a host's collector puts on each pyblish instance, under ``instance.data["mattebox"]``.

Shared plugins read only this; host plugins add their own placement data under ``"host"``.
Everything in it is JSON-able except the handles the shared plugins add while running
(``check_handle``), so a host can store it in its scene file.

Keys:

``label``
    how messages name the clip (``strip 'walker'``).
``request``
    the :class:`~mattebox.publish.request.JobRequest` as a dict: task, source, output, frames, ...
``source_frames``
    the clip's frame count as the host sees it (``None`` if unknown).
``problems``
    ``[{"code", "message", "hint"}]`` the host found while collecting (reported by ``ValidateClip``).
``host``
    host-specific data for the integrator (strip name, channel, placement).

Added by the shared plugins: ``checked`` (the runtime's view of the clip), ``job_id``, ``outputs``
(``[{"kind", "path", "format", "frames", "first_number"}]``) and ``status``.
"""

from .pipeline import FAMILY

__all__ = ["add_clip_instance", "clip_data", "problem"]


def problem(code, message, hint=None):
    """A problem found by a host collector, in the form ``ValidateClip`` reports."""
    data = {"code": code, "message": message}
    if hint:
        data["hint"] = hint
    return data


def clip_data(label, request, source_frames=None, problems=(), host=None):
    """The ``instance.data["mattebox"]`` dict for one clip (see the module docstring)."""
    return {
        "label": label,
        "request": request.to_dict(),
        "source_frames": None if source_frames is None else int(source_frames),
        "problems": list(problems),
        "host": dict(host or {}),
    }


def add_clip_instance(context, name, data, families=()):
    """Create the pyblish instance of one clip in ``context``; returns it.

    Its families are ``mattebox`` (every shared plugin), ``mattebox.<kind>`` (``mattebox.keyed`` or
    ``mattebox.matte``) and the host's own ``families`` (``blender.strip.keyed``: integrators pick theirs).
    """
    instance = context.create_instance(name, family=FAMILY)
    instance.data["families"] = [FAMILY, "{}.{}".format(FAMILY, data["request"].get("kind"))] + list(families)
    instance.data["label"] = data["label"]
    instance.data["mattebox"] = data
    return instance
