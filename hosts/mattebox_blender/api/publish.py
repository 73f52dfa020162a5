"""A publish of VSE strips: the pyblish session with Blender's settings, run blocking or step by step.

The modal operator calls :meth:`StripPublish.step` from its timer; scripts and background mode call
:meth:`StripPublish.run`. Both run the same plugins. Every started job is recorded in the .blend
(:mod:`.ledger`) the moment it starts, and forgotten once it is integrated or has failed.
"""

import logging
import os
import re
import tempfile
import types

import bpy

from mattebox.publish import PublishSession, RuntimeClient

from . import compat, integrate, ledger, nodes, strips
from .pipeline import HOST, blender_plugins

__all__ = ["StripPublish", "default_output_dir", "output_path", "selected_node_names", "selected_strip_names",
           "waiting_jobs"]

log = logging.getLogger(__name__)


def default_output_dir(configured="//mattebox"):
    """Where results go: the configured folder (``//`` is the .blend's folder), or a temp folder for an unsaved file."""
    if configured.startswith("//") and not bpy.data.filepath:
        return os.path.join(tempfile.gettempdir(), "mattebox-blender")
    return os.path.abspath(bpy.path.abspath(configured))


def waiting_jobs(configured_output_dir="//mattebox"):
    """``[(scene, entry)]``: the jobs this .blend started and has not integrated yet (see :mod:`.ledger`)."""
    folder = os.path.join(default_output_dir(configured_output_dir), ".mattebox")
    return [(scene, entry) for scene in bpy.data.scenes for entry in ledger.entries(scene, folder)]


def _safe(name):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "strip"


def output_path(folder, strip_name, task, kind, job_id, sequence):
    """The output of one job: a movie, or a folder holding a ``%04d`` PNG sequence."""
    stem = "{}_{}_{}_{}".format(_safe(strip_name), task, kind, job_id)
    if sequence:
        return os.path.join(folder, stem, "{}_%04d.png".format(_safe(strip_name)))
    return os.path.join(folder, stem + ".mov")


def host_api():
    """What the Blender plugins use (they are loaded by path and cannot import this add-on by a fixed name)."""
    return types.SimpleNamespace(compat=compat, strips=strips, nodes=nodes, integrate=integrate, output_path=output_path)


class StripPublish(object):
    """Process strips (or compositor nodes) of a scene with the mattebox runtime and integrate the results.

    :param scene: the scene whose VSE (or compositor) holds them.
    :param names: the strips (or nodes) to process (one job each).
    :param task: ``greenscreen``, ``body`` or ``halfbody``.
    :param kind: ``keyed`` (a layer above) or ``matte`` (a Mask modifier on the source).
    :param backend: a backend name, or empty for the task's default.
    :param options: backend options (``{"despill": "average"}``).
    :param runtime: the runtime path from the preferences (empty: ``MATTEBOX_RUNTIME``, the config file, PATH).
    :param output_dir: where outputs go.
    :param keyed_format: ``mov`` (ProRes 4444) or ``png`` (RGBA sequence) for keyed layers.
    :param mute_source: mute the source under a keyed layer (so the layer shows over what lies below).
    :param target: ``strips`` (VSE strips named ``names``) or ``nodes`` (compositor nodes named ``names``).
    """

    def __init__(self, scene, names, task, kind, backend="", options=None, runtime="", output_dir=None,
                 keyed_format="mov", mute_source=True, target="strips"):
        self.scene = scene
        client = RuntimeClient(explicit=runtime or None)
        settings = {
            "scene": scene.name, target: list(names), "task": task, "kind": kind, "backend": backend or None,
            "options": dict(options or {}), "output_dir": output_dir or default_output_dir(),
            "keyed_format": keyed_format, "mute_source": bool(mute_source),
        }
        self.session = PublishSession(client, HOST, settings=settings, plugins=blender_plugins(),
                                      on_job_started=self._job_started, context_data={"host_api": host_api()})

    def _job_started(self, instance, job):
        data = instance.data["mattebox"]
        ledger.record(self.scene, job.job_id, data["request"], data["host"])

    @property
    def report(self):
        return self.session.report

    def step(self, budget=0.02):
        """Advance without blocking (see :meth:`mattebox.publish.PublishSession.step`); True once done."""
        done = self.session.step(budget)
        if done:
            self._forget_finished()
        return done

    def run(self):
        """Run to the end, blocking; returns the report."""
        self.session.run()
        self._forget_finished()
        return self.session.report

    def cancel(self):
        self.session.cancel()

    def progress(self):
        return self.session.progress()

    def _forget_finished(self):
        for job in self.session.jobs.values():
            if job.done:
                ledger.forget(self.scene, job.job_id, {"job_id": job.job_id, "request": job.request.to_dict()})


def selected_node_names(context):
    """Names of the selected Movie Clip and Image nodes of the scene's compositor."""
    return [n.name for n in nodes.selected_nodes(context.scene)]


def selected_strip_names(context):
    """Names of the selected movie and image strips in the VSE's scene."""
    scene = compat.sequencer_scene(context)
    return [s.name for s in compat.selected_strips(context, scene) if s.type in ("MOVIE", "IMAGE")]
