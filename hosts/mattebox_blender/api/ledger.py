"""The jobs a .blend is waiting for, kept in the file itself (a scene property holding JSON).

An entry is written the moment a job starts and removed once its result is on the timeline (or the
job failed). If Blender closes mid-job, the runtime finishes the job anyway; when the file is opened
again its entries name the jobs to look up and integrate. Entries hold the job request and the
placement data, never credentials (those live only in the runtime's environment).
"""

import json

__all__ = ["KEY", "entries", "forget", "record"]

KEY = "mattebox_jobs"


def entries(scene):
    """The recorded jobs of ``scene``: ``[{"job_id", "request", "host"}]``."""
    raw = scene.get(KEY)
    if not raw:
        return []
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    return [e for e in data if isinstance(e, dict) and e.get("job_id")]


def _store(scene, items):
    if items:
        scene[KEY] = json.dumps(items)
    elif KEY in scene:
        del scene[KEY]


def record(scene, job_id, request, host):
    """Remember a started job."""
    items = [e for e in entries(scene) if e["job_id"] != job_id]
    items.append({"job_id": job_id, "request": request, "host": host})
    _store(scene, items)


def forget(scene, job_id):
    """Drop a job (integrated, failed or dismissed)."""
    _store(scene, [e for e in entries(scene) if e["job_id"] != job_id])
