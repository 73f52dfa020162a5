"""What goes wrong, in real Blender: validation failures, failing jobs, cancelling, a missing runtime, secrets."""

import json
import os
import time

import bpy

from common import add_movie, all_strips, install_extension, make_scene, run_operator, select_only, strips_of


def _image_strip(scene, name, path, channel, frame_start):
    strip = strips_of(scene.sequence_editor).new_image(name, path, channel, frame_start)
    strip.frame_final_duration = 20
    return strip


def case_validation(params):
    scene = make_scene("validation", 160, 96, 25)
    movie = add_movie(scene, "movie", params["validation_clip"], 2, 1)
    tiny = _image_strip(scene, "tiny", params["tiny_png"], 3, 1)
    select_only(scene, [movie, tiny])
    before = all_strips(scene)
    result, report = run_operator(task="body", output="keyed", backend="index")
    return {"result": result, "report": report, "unchanged": all_strips(scene) == before}


def case_failing_job(params):
    scene = make_scene("failing", 160, 96, 25)
    movie = add_movie(scene, "movie", params["clip"], 2, 1, 2, 3)
    select_only(scene, [movie])
    before = all_strips(scene)
    result, report = run_operator(task="body", output="keyed", backend="index", options="fail-at=7")
    return {"result": result, "report": report, "unchanged": all_strips(scene) == before, "ledger": scene.get("mattebox_jobs")}


def case_two_strips(params):
    scene = make_scene("two", 160, 96, 25)
    a = add_movie(scene, "a", params["clip"], 2, 1, 0, 10)
    b = add_movie(scene, "b", params["clip"], 3, 40, 5, 0)  # overlaps a's range one channel up
    select_only(scene, [a, b])
    result, report = run_operator(task="greenscreen", output="keyed", backend="index")
    return {"result": result, "report": report, "strips": all_strips(scene)}


def case_cancel(params):
    """The modal operator's path without Blender's event loop: StripPublish.step() from a 'timer', then cancel."""
    from bl_ext.user_default.mattebox.api.publish import StripPublish

    scene = make_scene("cancel", 160, 96, 25)
    movie = add_movie(scene, "movie", params["clip"], 2, 1)
    before = all_strips(scene)
    publish = StripPublish(scene, ["movie"], "body", "keyed", backend="index", options={"delay": "0.1"},
                           output_dir=params["out_dir"])
    steps, cancelled_at, longest = 0, None, 0.0
    while True:
        began = time.perf_counter()
        done = publish.step(0.01)
        longest = max(longest, time.perf_counter() - began)
        steps += 1
        if done:
            break
        job = next(iter(publish.session.jobs.values()), None)
        if cancelled_at is None and job is not None and job.progress is not None and job.progress.frame >= 3:
            publish.cancel()
            cancelled_at = job.progress.frame
        time.sleep(0.05)
    job = next(iter(publish.session.jobs.values()))
    return {"report": publish.report.to_dict(), "cancelled_at": cancelled_at, "steps": steps, "unchanged": all_strips(scene) == before,
            "job_id": job.job_id, "status": job.status, "output": job.request.output, "output_exists": os.path.exists(job.request.output),
            "ledger": scene.get("mattebox_jobs"), "longest_step_s": longest, "movie_muted": movie.mute}


def case_no_runtime(params):
    scene = make_scene("no_runtime", 160, 96, 25)
    movie = add_movie(scene, "movie", params["clip"], 2, 1)
    select_only(scene, [movie])
    saved = os.environ.get("MATTEBOX_RUNTIME")
    os.environ["MATTEBOX_RUNTIME"] = params["missing_runtime"]
    try:
        result, report = run_operator(task="body", output="keyed")
    finally:
        os.environ["MATTEBOX_RUNTIME"] = saved
    return {"result": result, "report": report}


def case_credential_option(params):
    scene = make_scene("credential_option", 160, 96, 25)
    movie = add_movie(scene, "movie", params["clip"], 2, 1)
    select_only(scene, [movie])
    result, report = run_operator(task="body", output="keyed", backend="index", options="access-key-secret=abc123")
    return {"result": result, "report": report}


def case_secrets(params):
    """Credentials in the environment reach the runtime but never the .blend or the preferences."""
    os.environ.update(params["secrets"])
    scene = make_scene("secrets", 160, 96, 25)
    movie = add_movie(scene, "movie", params["clip"], 2, 1)
    select_only(scene, [movie])
    result, report = run_operator(task="body", output="matte", backend="index")
    doctor = sorted(bpy.ops.mattebox.check_setup())
    prefs = bpy.context.preferences.addons["bl_ext.user_default.mattebox"].preferences
    prefs.default_backend = params["marker"]  # a known string: proves the files are searched as written
    scene["marker"] = params["marker"]
    bpy.ops.wm.save_mainfile(compress=False)
    bpy.ops.wm.save_userpref()
    return {"result": result, "report": report, "doctor": doctor, "doctor_output": bpy.context.window_manager.mattebox.doctor_output,
            "prefs_runtime": prefs.runtime_path, "userpref": os.path.join(bpy.utils.resource_path("USER"), "config", "userpref.blend")}


def run(params):
    out = {"install": install_extension(params["zip"])}
    bpy.ops.wm.save_as_mainfile(filepath=params["blend"])
    for name in ("validation", "failing_job", "two_strips", "cancel", "no_runtime", "credential_option", "secrets"):
        out[name] = globals()["case_" + name](params)
    return out
