"""Closing Blender mid-job does not lose the job: reopening the file integrates it once it is finished."""

from __future__ import annotations

from blender_harness import make_blender_env, run_scenario
from media_factory import make_clip


def test_a_job_outlives_blender_and_is_integrated_on_reopen(tmp_path, extension_zip, mattebox_home):
    clip = make_clip(str(tmp_path / "clip.mp4"), frames=60, width=160, height=96)
    (tmp_path / "project").mkdir()
    env = make_blender_env(tmp_path, mattebox_home)
    params = {"zip": extension_zip, "clip": clip, "blend": str(tmp_path / "project" / "edit.blend"), "phase": "start"}
    started = run_scenario("recovery", params, env, tmp_path)
    assert not started["done_when_closing"]
    (entry,) = started["ledger"]
    assert entry["job_id"] == started["job_id"] and entry["host"]["strip"] == "movie" and entry["host"]["frames"] == [4, 53]

    params.update(phase="reopen", job_id=started["job_id"], runtime=env["MATTEBOX_RUNTIME"])
    reopened = run_scenario("recovery", params, env, tmp_path)
    assert reopened["pending_on_open"] == 1 and reopened["status_on_open"] == "PROCESSING"
    first = reopened["first"]
    assert first["report"]["integrated"] == [] and first["ledger"] is not None  # still running: kept for later
    assert [s["name"] for s in first["strips"]] == ["background", "movie"]
    second = reopened["second"]
    assert second["report"]["ok"] and second["ledger"] is None
    strips = {s["name"]: s for s in second["strips"]}
    layer, source = strips["movie keyed"], strips["movie"]
    assert layer["channel"] == 3 and layer["blend_type"] == "ALPHA_OVER" and layer["frame_duration"] == 50
    assert (layer["frame_final_start"], layer["frame_final_end"]) == (source["frame_final_start"], source["frame_final_end"]) == (14, 64)
