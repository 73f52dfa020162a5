"""Closing Blender mid-job does not lose the job: reopening the file integrates it once it is finished."""

from __future__ import annotations

import os

import pytest

from blender_harness import make_blender_env, run_scenario
from media_factory import make_clip


@pytest.mark.parametrize("save_after_start", [True, False], ids=["saved-after-start", "not-saved-after-start"])
def test_a_job_outlives_blender_and_is_integrated_on_reopen(tmp_path, extension_zip, mattebox_home, save_after_start):
    clip = make_clip(str(tmp_path / "clip.mp4"), frames=60, width=160, height=96)
    (tmp_path / "project").mkdir()
    env = make_blender_env(tmp_path, mattebox_home)
    params = {"zip": extension_zip, "clip": clip, "blend": str(tmp_path / "project" / "edit.blend"), "phase": "start",
              "save_after_start": save_after_start}
    started = run_scenario("recovery", params, env, tmp_path)
    assert not started["done_when_closing"]
    (entry,) = started["ledger"]
    assert entry["job_id"] == started["job_id"] and entry["host"]["strip"] == "movie" and entry["host"]["frames"] == [4, 53]
    sidecar = os.path.join(entry["request"]["log_dir"], entry["job_id"] + ".host.json")
    assert os.path.isfile(sidecar)

    params.update(phase="reopen", job_id=started["job_id"], runtime=env["MATTEBOX_RUNTIME"])
    reopened = run_scenario("recovery", params, env, tmp_path)
    assert reopened["pending_on_open"] == 1 and reopened["status_on_open"] == "PROCESSING"
    first = reopened["first"]
    assert first["report"]["integrated"] == [] and first["sidecars"] == [os.path.basename(sidecar)]  # still running: kept
    assert (first["ledger"] is not None) is save_after_start  # the file on disk has the record only if saved
    assert [s["name"] for s in first["strips"]] == ["background", "movie"]
    second = reopened["second"]
    assert second["report"]["ok"] and second["ledger"] is None and not os.path.exists(sidecar)
    strips = {s["name"]: s for s in second["strips"]}
    layer, source = strips["movie keyed"], strips["movie"]
    assert layer["channel"] == 3 and layer["blend_type"] == "ALPHA_OVER" and layer["frame_duration"] == 50
    assert (layer["frame_final_start"], layer["frame_final_end"]) == (source["frame_final_start"], source["frame_final_end"]) == (14, 64)
