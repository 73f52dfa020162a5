"""The jobs a .blend is waiting for, so a job started before Blender closed is integrated on the next open.

Each started job is recorded twice: in the scene (a property holding JSON, saved with the file) and
in a sidecar file ``<job_id>.host.json`` in the job's log folder (``<output folder>/.mattebox``),
which exists even if the .blend was never saved after the job started. An entry is removed once
its result is on the timeline or the job failed. Entries hold the job request and the placement
data, never credentials (those live only in the runtime's environment).
"""

import glob
import json
import os

import bpy

__all__ = ["KEY", "entries", "forget", "record"]

KEY = "mattebox_jobs"
SIDECAR = ".host.json"


def _scene_entries(scene):
    raw = scene.get(KEY)
    if not raw:
        return []
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    return [e for e in data if isinstance(e, dict) and e.get("job_id")]


def _sidecar(entry):
    folder = (entry.get("request") or {}).get("log_dir")
    return os.path.join(folder, entry["job_id"] + SIDECAR) if folder else None


def _sidecar_entries(scene, folder):
    found = []
    blend = os.path.abspath(bpy.data.filepath) if bpy.data.filepath else None
    for path in sorted(glob.glob(os.path.join(folder, "*" + SIDECAR))):
        try:
            with open(path) as fh:
                entry = json.load(fh)
        except (OSError, ValueError):
            continue
        if entry.get("blend") == blend and entry.get("host", {}).get("scene") == scene.name and entry.get("job_id"):
            found.append(entry)
    return found


def entries(scene, sidecar_folder=None):
    """The recorded jobs of ``scene``: ``[{"job_id", "request", "host"}]`` from the scene and, when
    ``sidecar_folder`` is given, from the sidecar files there that belong to this .blend."""
    items = _scene_entries(scene)
    if sidecar_folder and os.path.isdir(sidecar_folder):
        known = set(e["job_id"] for e in items)
        items += [e for e in _sidecar_entries(scene, sidecar_folder) if e["job_id"] not in known]
    return items


def _store(scene, items):
    if items:
        scene[KEY] = json.dumps(items)
    elif KEY in scene:
        del scene[KEY]


def record(scene, job_id, request, host):
    """Remember a started job (in the scene and in its sidecar file)."""
    entry = {"job_id": job_id, "request": request, "host": host}
    _store(scene, [e for e in _scene_entries(scene) if e["job_id"] != job_id] + [entry])
    path = _sidecar(entry)
    if path:
        data = dict(entry, blend=os.path.abspath(bpy.data.filepath) if bpy.data.filepath else None)
        try:
            with open(path, "w") as fh:
                json.dump(data, fh)
        except OSError:
            pass  # the scene entry still holds it


def forget(scene, job_id, entry=None):
    """Drop a job (integrated, failed or dismissed)."""
    items = _scene_entries(scene)
    entry = entry or next((e for e in items if e["job_id"] == job_id), None)
    _store(scene, [e for e in items if e["job_id"] != job_id])
    path = _sidecar(entry) if entry else None
    if path and os.path.exists(path):
        os.remove(path)
