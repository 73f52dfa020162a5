"""The job store across processes: concurrent writers, a crashed job seen as interrupted and
resumed, cancel from another process."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import time

import pytest
from cli_helpers import cli_env, mattebox_cmd, run_cli
from media_factory import make_clip

from mattebox.jobs import Job, JobStatus
from mattebox.store import JobStore, new_job_id
from mattebox.tasks import Task


def _writer(db: str, worker: int, n: int) -> None:
    store = JobStore(db)
    for i in range(n):
        job = store.create(Job(id=f"w{worker}-{i}", task=Task.BODY, backend="x", source=f"/clip{worker}.mp4"))
        store.update(job.id, status=JobStatus.PROCESSING, frames_done=i)
        store.update(job.id, status=JobStatus.PROCESS_SUCCESS, progress=1.0)


def test_several_processes_write_at_once(tmp_path):
    db = str(tmp_path / "jobs.sqlite3")
    JobStore(db)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(db, w, 40)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    jobs = JobStore(db).list(limit=1000)
    assert len(jobs) == 160
    assert all(j.status is JobStatus.PROCESS_SUCCESS for j in jobs)


def test_job_ids_are_unique_and_prefix_lookup(tmp_path):
    store = JobStore(tmp_path / "j.db")
    ids = {new_job_id() for _ in range(500)}
    assert len(ids) == 500
    job = store.create(Job(id="20260101-000000-abcdef", task=Task.GREENSCREEN, backend="keyer", source="/a.mp4"))
    assert store.get("20260101-000000-abc").id == job.id
    with pytest.raises(Exception) as err:
        store.get("nope")
    assert getattr(err.value, "code", "") == "Job.NotFound"


def test_killed_job_is_interrupted_then_resumed(tmp_path, mattebox_home):
    src = make_clip(str(tmp_path / "clip.mp4"), frames=120, width=96, height=64)
    out = tmp_path / "out.mkv"
    proc = subprocess.Popen(
        mattebox_cmd("run", "greenscreen", src, "-o", str(out), "--backend", "index", "--delay", "0.03", "--progress", "json"),
        env=cli_env(mattebox_home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    job_id = None
    for line in proc.stdout:
        event = json.loads(line)
        job_id = event["job"]
        if event["event"] == "progress" and event.get("stage") == "frames" and event["frame"] >= 30:
            break
    time.sleep(1.2)  # let a heartbeat record progress
    proc.send_signal(signal.SIGKILL)  # a crash: no chance to clean up
    proc.wait(10)
    listing = run_cli(mattebox_home, "jobs", "list")
    assert "PROCESSING (interrupted)" in listing.stdout, listing.stdout
    job = json.loads(run_cli(mattebox_home, "jobs", "show", job_id).stdout)
    assert job["interrupted"] and job["frames_done"] >= 30
    assert not out.exists()
    resumed = run_cli(mattebox_home, "jobs", "resume", job_id)
    assert resumed.returncode == 0, resumed.stderr
    job = json.loads(run_cli(mattebox_home, "jobs", "show", job_id).stdout)
    assert job["status"] == "PROCESS_SUCCESS" and job["attempts"] == 2 and job["frames_done"] == 120
    assert out.exists()
    leftovers = [p for p in os.listdir(tmp_path) if p.startswith(".out")]
    assert leftovers == [p for p in leftovers if p.endswith(".partial.mkv")]  # the crashed run's temp file is the only trace


def test_cancel_from_another_process(tmp_path, mattebox_home):
    src = make_clip(str(tmp_path / "clip.mp4"), frames=300, width=96, height=64)
    proc = subprocess.Popen(
        mattebox_cmd("run", "greenscreen", src, "-o", str(tmp_path / "o.mkv"), "--backend", "index", "--delay", "0.02", "--progress", "json"),
        env=cli_env(mattebox_home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    first = json.loads(proc.stdout.readline())
    cancel = run_cli(mattebox_home, "jobs", "cancel", first["job"])
    assert cancel.returncode == 0 and "cancel requested" in cancel.stdout
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert json.loads(out.splitlines()[-1])["status"] == "CANCELLED"
    assert not (tmp_path / "o.mkv").exists()


def test_the_heartbeat_is_written_by_its_own_thread_and_never_blocks_progress(monkeypatch):
    """An SQLite commit can block for tens of milliseconds: written from the encoder thread (where
    progress is reported) it stalled the whole pipeline. The heartbeat has a thread of its own; it
    still records progress and picks up a cancel asked by another process."""
    import threading

    import pluggy

    from mattebox import hookspecs, runner

    class SlowStore:
        def __init__(self) -> None:
            self.beats: list[tuple[str, int]] = []
            self.cancel_after = 3

        def heartbeat(self, job_id: str, **fields) -> bool:
            self.beats.append((threading.current_thread().name, fields["frames_done"]))
            time.sleep(0.2)  # a slow commit
            return len(self.beats) >= self.cancel_after

    monkeypatch.setattr(runner, "_HEARTBEAT_S", 0.05)
    store, cancel = SlowStore(), threading.Event()  # (a stand-in: only the heartbeat is called)
    job = Job(id="j", task=Task.GREENSCREEN, source="x.mp4", backend="keyer", frames_total=1000)
    pm = pluggy.PluginManager("mattebox")
    pm.add_hookspecs(hookspecs)
    events = runner._Events(job, store, pm, cancel)
    events.start_heartbeat()
    slowest = 0.0
    for done in range(1, 400):
        t0 = time.perf_counter()
        events.frames(done)
        slowest = max(slowest, time.perf_counter() - t0)
        time.sleep(0.002)
    assert cancel.wait(5)  # the third heartbeat said "cancel requested"
    events.stop_heartbeat()
    beats = len(store.beats)
    time.sleep(0.2)
    assert len(store.beats) == beats >= 3  # nothing after stop
    assert {name for name, _ in store.beats} == {"mattebox-heartbeat"}
    assert store.beats[-1][1] > 0  # progress recorded
    assert slowest < 0.1  # reporting progress never waited for a commit
