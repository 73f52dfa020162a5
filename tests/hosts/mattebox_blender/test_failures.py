"""Failures in real Blender: each is reported with its code, and the scene is left as it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import cv2
import numpy as np
import pytest

from blender_harness import make_blender_env, run_scenario
from media_factory import make_clip

SECRETS = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI-test-id-7f3a9c", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "sEcReT-0b5e8d2c-do-not-store"}
MARKER = "marker-backend-5d1f"


@pytest.fixture(scope="module")
def run(tmp_path_factory, extension_zip):
    tmp = tmp_path_factory.mktemp("failures")
    home = tmp / "mattebox-home"
    home.mkdir()
    clip = make_clip(str(tmp / "clip.mp4"), frames=60, width=160, height=96)
    validation_clip = make_clip(str(tmp / "validation.mp4"), frames=10, width=160, height=96)
    tiny = str(tmp / "tiny.png")
    cv2.imwrite(tiny, np.full((6, 6, 3), 120, np.uint8))
    (tmp / "project").mkdir()
    params = {"zip": extension_zip, "clip": clip, "validation_clip": validation_clip, "tiny_png": tiny, "blend": str(tmp / "project" / "edit.blend"),
              "out_dir": str(tmp / "project" / "mattebox"), "missing_runtime": str(tmp / "no" / "mattebox"),
              "secrets": SECRETS, "marker": MARKER}
    env = make_blender_env(tmp, home)
    result = run_scenario("failures", params, env, tmp)
    result["_params"], result["_env"], result["_home"] = params, env, home
    return result


def _jobs(run, source: str) -> list[dict]:
    proc = subprocess.run([run["_env"]["MATTEBOX_RUNTIME"], "jobs", "list", "--json", "--source", source],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_validation_failure_names_the_strip_and_its_code(run):
    case = run["validation"]
    (result,) = case["result"]
    assert result.startswith("ERROR: ") and "InvalidFile.Resolution" in result and case["unchanged"]
    report = case["report"]
    assert report["stopped_at_validation"] and not report["ok"] and report["integrated"] == []
    (error,) = report["errors"]
    assert (error["stage"], error["code"], error["subject"]) == ("validate", "InvalidFile.Resolution", "strip 'tiny'")
    assert "6x6" in error["message"] and error["hint"]
    assert _jobs(run, run["_params"]["validation_clip"]) == []  # the valid strip's job never started either


def test_failing_job_is_reported_and_the_scene_is_untouched(run):
    case = run["failing_job"]
    assert case["result"][0].startswith("ERROR: ") and case["unchanged"] and case["ledger"] is None
    (error,) = case["report"]["errors"]
    assert (error["stage"], error["code"], error["subject"]) == ("extract", "InternalServerError.Algo", "strip 'movie'")
    assert "frame 7" in error["message"]
    failed = [j for j in _jobs(run, run["_params"]["clip"]) if j["status"] == "PROCESS_FAILED"]
    assert len(failed) == 1 and (failed[0]["frame_start"], failed[0]["frame_end"]) == (2, 56)  # only the trim


def test_one_job_per_selected_strip_each_in_the_first_free_channel(run):
    """a (channel 2, frames 1-51) and b (channel 3, frames 45-100): a's layer cannot take channel 3 (b is there)."""
    case = run["two_strips"]
    assert case["result"] == ["FINISHED"] and case["report"]["ok"]
    layers = {s["name"]: s for s in case["strips"] if s["name"].endswith(" keyed")}
    sources = {s["name"]: s for s in case["strips"] if s["name"] in ("a", "b")}
    assert set(layers) == {"a keyed", "b keyed"}
    assert (sources["a"]["channel"], sources["b"]["channel"]) == (2, 3)
    for name, channel in (("a", 4), ("b", 5)):  # b's layer: channel 4 holds a's layer over frames 45-51
        layer, source = layers[name + " keyed"], sources[name]
        assert layer["channel"] == channel and (layer["frame_final_start"], layer["frame_final_end"]) == (
            source["frame_final_start"], source["frame_final_end"])
    assert {i["strip"] for i in case["report"]["integrated"]} == {"a", "b"}


def test_cancel_stops_the_job_and_changes_nothing(run):
    case = run["cancel"]
    assert case["cancelled_at"] is not None and case["report"]["cancelled"]
    assert [(e["stage"], e["code"]) for e in case["report"]["errors"]] == [("extract", "Job.Cancelled")]
    assert case["status"] == "CANCELLED" and not case["output_exists"] and case["unchanged"] and not case["movie_muted"]
    assert case["ledger"] is None
    store = {j["id"]: j for j in _jobs(run, run["_params"]["clip"])}
    assert store[case["job_id"]]["status"] == "CANCELLED" and store[case["job_id"]]["frames_done"] < 60


def test_missing_runtime_is_reported(run):
    case = run["no_runtime"]
    assert case["result"][0].startswith("ERROR: Error: Runtime.NotFound")
    (error,) = case["report"]["errors"]
    assert error["code"] == "Runtime.NotFound" and run["_params"]["missing_runtime"] in error["message"]


def test_credentials_are_refused_as_backend_options(run):
    case = run["credential_option"]
    assert case["result"][0].startswith("ERROR: Error: InvalidParameter") and "looks like a credential" in case["result"][0]
    (error,) = case["report"]["errors"]
    assert error["code"] == "InvalidParameter" and "environment or profile" in error["hint"]


def test_no_secret_in_the_blend_or_the_preferences(run):
    case = run["secrets"]
    assert case["result"] == ["FINISHED"] and case["doctor"] == ["FINISHED"]
    assert "runtime:" in case["doctor_output"]
    blend = open(run["_params"]["blend"], "rb").read()
    userpref = open(case["userpref"], "rb").read()
    assert MARKER.encode() in blend and MARKER.encode() in userpref  # the search sees what the files hold
    for value in SECRETS.values():
        assert value.encode() not in blend and value.encode() not in userpref
    logs = os.path.join(os.path.dirname(run["_params"]["blend"]), "mattebox", ".mattebox")
    for name in os.listdir(logs):
        text = open(os.path.join(logs, name), "rb").read()
        assert all(value.encode() not in text for value in SECRETS.values()), name
