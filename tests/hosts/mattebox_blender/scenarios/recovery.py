"""Blender closes while a job runs; the job finishes anyway; reopening the .blend integrates its result.

``phase=start``: start a job on a strip the way the modal operator does, save the file, and quit
Blender while the job runs. ``phase=reopen``: open the file, integrate while the job still runs (nothing
to do yet), wait for the runtime to finish it, integrate again.
"""

import glob
import json
import os
import subprocess
import time

import bpy

from common import add_movie, all_strips, install_extension, make_scene


def start(params):
    from bl_ext.user_default.mattebox.api.publish import StripPublish

    scene = make_scene("recovery", 160, 96, 25)
    add_movie(scene, "movie", params["clip"], 2, 10, 4, 6)
    bpy.ops.wm.save_as_mainfile(filepath=params["blend"])
    publish = StripPublish(scene, ["movie"], "greenscreen", "keyed", backend="index", options={"delay": "0.08"})
    while not publish.session.jobs:
        publish.step(0.01)
        time.sleep(0.02)
    job = next(iter(publish.session.jobs.values()))
    if params["save_after_start"]:
        bpy.ops.wm.save_mainfile()  # else the .blend on disk has no record: the sidecar file must do
    return {"job_id": job.job_id, "ledger": json.loads(scene["mattebox_jobs"]), "done_when_closing": job.done}


def _status(runtime, job_id):
    proc = subprocess.run([runtime, "jobs", "show", job_id], capture_output=True, text=True)
    return json.loads(proc.stdout)["status"]


def reopen(params):
    bpy.ops.wm.open_mainfile(filepath=params["blend"])
    scene = bpy.data.scenes["recovery"]
    wm = bpy.context.window_manager
    out = {"pending_on_open": wm.mattebox.pending, "status_on_open": _status(params["runtime"], params["job_id"])}
    bpy.ops.mattebox.integrate_finished()
    sidecars = os.path.join(os.path.dirname(params["blend"]), "mattebox", ".mattebox", "*.host.json")
    out["first"] = {"report": json.loads(wm.mattebox.last_report), "ledger": scene.get("mattebox_jobs"),
                    "strips": all_strips(scene), "sidecars": [os.path.basename(p) for p in glob.glob(sidecars)]}
    deadline = time.time() + 120
    while _status(params["runtime"], params["job_id"]) in ("QUEUING", "PROCESSING") and time.time() < deadline:
        time.sleep(0.2)
    bpy.ops.mattebox.integrate_finished()
    out["second"] = {"report": json.loads(wm.mattebox.last_report), "ledger": scene.get("mattebox_jobs"),
                     "strips": all_strips(scene)}
    return out


def run(params):
    out = {"install": install_extension(params["zip"])}
    out.update(start(params) if params["phase"] == "start" else reopen(params))
    return out
