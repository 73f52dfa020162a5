"""The in-Blender half of ``blender_overhead.py`` (run by Blender-as-a-module's Python, isolated site).

Interleaves, per round: the bare CLI (the same ``mattebox run`` command line the add-on starts),
the operator's blocking path (``bpy.ops.mattebox.run``: collect, ``mattebox check``, the job,
integrate), and the modal path (``StripPublish.step`` on a 0.1 s timer, as the operator's modal
handler calls it), timing every step: the longest step is the longest the UI is blocked.
"""

import json
import os
import statistics
import subprocess
import sys
import time

site_packages, params_path, result_path = sys.argv[1:4]
sys.path.append(site_packages)

import bpy  # noqa: E402

TIMER_S = 0.1


def strips_of(editor):
    return editor.strips if hasattr(editor, "strips") else editor.sequences


def make_scene(name, params):
    scene = bpy.data.scenes.new(name)
    bpy.context.window_manager.windows[0].scene = scene
    if hasattr(bpy.context.workspace, "sequencer_scene"):
        bpy.context.workspace.sequencer_scene = scene
    scene.render.fps = 30
    strip = strips_of(scene.sequence_editor_create()).new_movie("walker", params["clip"], 2, 1)
    strip.frame_offset_end = strip.frame_duration - params["frames"]
    strip.select = True
    return scene, strip


def bare_cli(params, out):
    command = [params["runtime"], "run", "greenscreen", params["clip"], "-o", out, "--output", "keyed", "--premultiply",
               "--frames", "0-{}".format(params["frames"] - 1), "--progress", "json", "--overwrite"]
    began = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def blocking(params, name):
    make_scene(name, params)
    began = time.perf_counter()
    result = bpy.ops.mattebox.run(task="greenscreen", output="keyed", keyed_format="mov")
    elapsed = time.perf_counter() - began
    assert result == {"FINISHED"}, json.loads(bpy.context.window_manager.mattebox.last_report)
    return elapsed


def modal(params, name):
    from bl_ext.user_default.mattebox.api.publish import StripPublish, default_output_dir

    scene, strip = make_scene(name, params)
    steps = []
    began = time.perf_counter()
    t = time.perf_counter()
    publish = StripPublish(scene, [strip.name], "greenscreen", "keyed", output_dir=default_output_dir())  # what invoke() does
    steps.append((time.perf_counter() - t, "invoke"))
    while True:
        time.sleep(TIMER_S)
        t = time.perf_counter()
        done = publish.step(0.01)
        fraction, text = publish.progress()
        bpy.context.window_manager.progress_update(int(fraction * 1000))
        phase = "job" if any(not j.done for j in publish.session.jobs.values()) else (
            "after the job" if publish.session.jobs else "before the job")
        steps.append((time.perf_counter() - t, phase))
        if done:
            break
    elapsed = time.perf_counter() - began
    assert publish.report.ok, publish.report.details()
    return elapsed, steps


def measured(fn, *args):
    """(result, wall s, CPU s of this Blender process, CPU s of its children)."""
    t0, c0, k0 = time.perf_counter(), time.process_time(), os.times()
    result = fn(*args)
    k1 = os.times()
    return result, time.perf_counter() - t0, time.process_time() - c0, (k1.children_user + k1.children_system) - (
        k0.children_user + k0.children_system)


def main():
    with open(params_path) as fh:
        params = json.load(fh)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    bpy.ops.extensions.package_install_files(filepath=params["zip"], repo="user_default", enable_on_install=True)
    bpy.ops.wm.save_as_mainfile(filepath=params["blend"])
    rounds, all_steps = [], []
    for r in range(params["repeat"]):
        _, cli, cli_own, cli_child = measured(bare_cli, params, os.path.join(params["out"], "bare_{}.mov".format(r)))
        _, sync, sync_own, sync_child = measured(blocking, params, "sync{}".format(r))
        (modal_s, steps), _, modal_own, modal_child = measured(modal, params, "modal{}".format(r))
        rounds.append({"cli_s": cli, "blocking_s": sync, "modal_s": modal_s, "cli_cpu_children_s": cli_child,
                       "blocking_cpu_children_s": sync_child, "modal_cpu_children_s": modal_child,
                       "blocking_cpu_blender_s": sync_own, "modal_cpu_blender_s": modal_own})
        all_steps += steps
    durations = sorted(d for d, _ in all_steps)
    worst = max(all_steps)
    by_phase = {}
    for d, phase in all_steps:
        by_phase[phase] = max(by_phase.get(phase, 0.0), d)
    result = {"rounds": rounds, "steps": len(all_steps), "max_step_s": worst[0], "max_step_phase": worst[1],
              "p99_step_s": durations[int(0.99 * (len(durations) - 1))], "median_step_s": statistics.median(durations),
              "max_step_by_phase_s": by_phase, "blender": bpy.app.version_string}
    with open(result_path, "w") as fh:
        json.dump(result, fh, indent=1)


main()
