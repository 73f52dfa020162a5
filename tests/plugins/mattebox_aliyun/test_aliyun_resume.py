"""Crash and resume through the real CLI: a ``mattebox run`` killed between submit and download is
continued by ``mattebox jobs resume`` without submitting anything again; a cancelled job likewise."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from aliyun_helpers import LumaEngine, read_matte_indices
from aliyun_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET
from media_factory import make_clip

from mattebox.store import JobStore


def _env(home, emulator) -> dict:
    return dict(os.environ, MATTEBOX_HOME=str(home), PYTHONUNBUFFERED="1", ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY_ID,
                ALIBABA_CLOUD_ACCESS_KEY_SECRET=ACCESS_KEY_SECRET, MATTEBOX_ALIYUN_ENDPOINT=emulator.url)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "mattebox.cli.main", *args]


def _wait_for(predicate, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _chunk_states(job_id: str) -> list[str]:
    try:
        return [c["state"] for c in JobStore().get(job_id).remote.get("chunks", [])]
    except Exception:
        return []


def test_killed_between_submit_and_download_resumes_without_resubmitting(emulator_factory, mattebox_home, tmp_path):
    emu = emulator_factory(engine=LumaEngine(), workers=3, processing_s=3.0)
    clip = make_clip(str(tmp_path / "long.mp4"), frames=4100, width=64, height=48)
    out = tmp_path / "out.mkv"
    job_id = "crash-test-job"
    proc = subprocess.Popen(_cli("run", "body", clip, "-o", str(out), "--backend", "aliyun", "--progress", "json",
                                 "--job-id", job_id), env=_env(mattebox_home, emu), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for(lambda: _chunk_states(job_id) == ["submitted"] * 3, what="all three chunks submitted")
    finally:
        proc.send_signal(signal.SIGKILL)  # a crash: no cleanup, no final status
        proc.communicate(timeout=30)
    job = JobStore().get(job_id)
    assert job.interrupted and job.status.value == "PROCESSING"
    assert job.remote["estimate"]["requests"] == 3
    assert sorted(emu.stats()["submissions"].values()) == [1, 1, 1]
    assert not out.exists()

    resumed = subprocess.run(_cli("jobs", "resume", job_id, "--progress", "json"), env=_env(mattebox_home, emu),
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    events = [json.loads(line) for line in resumed.stdout.splitlines() if line.startswith("{")]
    assert events[-1]["event"] == "finished" and events[-1]["status"] == "PROCESS_SUCCESS"
    assert any(e.get("stage") == "cloud" for e in events)  # the remote part reports its progress too
    assert sorted(emu.stats()["submissions"].values()) == [1, 1, 1]  # each chunk submitted exactly once
    assert read_matte_indices(str(out)) == [i % 256 for i in range(4100)]
    done = JobStore().get(job_id)
    assert [c["submits"] for c in done.remote["chunks"]] == [1, 1, 1]
    assert ACCESS_KEY_SECRET not in resumed.stdout + resumed.stderr


def test_a_cancelled_job_resumes_where_it_stopped(emulator_factory, mattebox_home, tmp_path):
    emu = emulator_factory(engine=LumaEngine(), processing_s=2.0)
    clip = make_clip(str(tmp_path / "c.mp4"), frames=30, width=160, height=120)
    out = tmp_path / "out.mkv"
    job_id = "cancel-test-job"
    proc = subprocess.Popen(_cli("run", "body", clip, "-o", str(out), "--backend", "aliyun", "--job-id", job_id),
                            env=_env(mattebox_home, emu), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(lambda: _chunk_states(job_id) == ["submitted"], what="the chunk submitted")
    cancel = subprocess.run(_cli("jobs", "cancel", job_id), env=_env(mattebox_home, emu), capture_output=True, text=True, timeout=60)
    assert cancel.returncode == 0
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "\nJob.Cancelled: cancelled" in err, err
    assert JobStore().get(job_id).status.value == "CANCELLED"
    resumed = subprocess.run(_cli("jobs", "resume", job_id), env=_env(mattebox_home, emu), capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert list(emu.stats()["submissions"].values()) == [1]
    assert read_matte_indices(str(out)) == list(range(30))


def test_the_cli_shows_the_estimate_before_submitting(emulator_factory, mattebox_home, tmp_path):
    emu = emulator_factory(engine=LumaEngine())
    clip = make_clip(str(tmp_path / "c.mp4"), frames=30, width=160, height=120)
    done = subprocess.run(_cli("run", "body", clip, "-o", str(tmp_path / "o.mkv"), "--backend", "aliyun", "--max-charge", "5"),
                          env=_env(mattebox_home, emu), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "estimated charge: 1 SegmentVideoBody request, 2 billable s ≈ 0.04 CNY" in done.stderr


def test_estimate_command_plans_offline(tmp_path, capsys):
    from mattebox.cli.main import main

    clip = make_clip(str(tmp_path / "c.mkv"), frames=2001, width=64, height=48, container="matroska")
    assert main(["aliyun", "estimate", "body", clip]) == 0  # 1001 + 1000 frames at 25 fps: 41 s + 40 s
    out = capsys.readouterr().out
    assert "2 SegmentVideoBody request(s), uploading frame-exact H.264 chunks" in out
    assert "estimated charge: 2 SegmentVideoBody requests, 81 billable s ≈ 1.62 CNY" in out
    assert main(["aliyun", "estimate", "body", clip, "--frames", "0-99"]) == 0
    assert "1 SegmentVideoBody request(s)" in capsys.readouterr().out
    assert main(["aliyun", "estimate", "greenscreen", clip, "--frames", "0-9"]) == 3  # 64x48 is below 75x75
    assert "InvalidFile.Resolution" in capsys.readouterr().err
    wide = make_clip(str(tmp_path / "w.mp4"), frames=10, width=2400, height=200)
    assert main(["aliyun", "estimate", "greenscreen", wide, "--fit", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plan"]["chunks"] == [[0, 9]] and data["plan"]["size"] == [2000, 166] and data["estimate"]["cny"] is None
