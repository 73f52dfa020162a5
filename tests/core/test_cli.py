"""The CLI's contract with hosts: JSON progress lines, plugins listing, doctor, backend flags."""

from __future__ import annotations

import json

from cli_helpers import run_cli
from media_factory import make_clip


def test_json_progress_lines(tmp_path, mattebox_home):
    src = make_clip(str(tmp_path / "c.mp4"), frames=40, width=96, height=64)
    proc = run_cli(mattebox_home, "run", "greenscreen", src, "-o", str(tmp_path / "o.mov"), "--output", "keyed",
                   "--backend", "index", "--delay", "0.01", "--progress", "json")
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert events[0]["event"] == "started" and events[0]["task"] == "greenscreen" and events[0]["backend"] == "index"
    progress = [e for e in events if e["event"] == "progress" and e["stage"] == "frames"]
    assert progress and all({"job", "status", "frame", "total", "fps"} <= set(e) for e in progress)
    assert [e["frame"] for e in progress] == sorted(e["frame"] for e in progress)
    assert progress[-1]["frame"] == 40 and progress[-1]["total"] == 40
    assert any(e["stage"] == "prepare" and e["message"] == "index backend ready" for e in events if e["event"] == "progress")
    final = events[-1]
    assert final["event"] == "finished" and final["status"] == "PROCESS_SUCCESS"
    assert final["outputs"][0]["path"].endswith("o.mov") and final["outputs"][0]["frames"] == 40
    assert len({e["job"] for e in events}) == 1


def test_plugins_lists_backends_and_broken_plugins(mattebox_home):
    proc = run_cli(mattebox_home, "plugins", broken_plugin=True)
    assert proc.returncode == 0
    assert "index: test backend" in proc.stdout
    assert "FAILED test_broken: ImportError: this test plugin is broken on purpose" in proc.stdout
    assert "Traceback" not in proc.stderr  # one warning line, no wall of logs


def test_backend_options_become_flags(mattebox_home):
    proc = run_cli(mattebox_home, "run", "greenscreen", "x.mp4", "--backend", "index", "--help")
    assert proc.returncode == 0
    assert "index options" in proc.stdout and "--hold HOLD" in proc.stdout and "--fail-at" in proc.stdout


def test_doctor(mattebox_home):
    proc = run_cli(mattebox_home, "doctor")
    assert "prores_ks" in proc.stdout and "PyAV" in proc.stdout
    assert str(mattebox_home) in proc.stdout
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_jobs_list_json_after_a_run(tmp_path, mattebox_home):
    src = make_clip(str(tmp_path / "c.mp4"), frames=5, width=64, height=64)
    assert run_cli(mattebox_home, "run", "body", src, "-o", str(tmp_path / "m_%03d.png"), "--backend", "index").returncode == 0
    jobs = json.loads(run_cli(mattebox_home, "jobs", "list", "--json").stdout)
    assert len(jobs) == 1 and jobs[0]["task"] == "body" and jobs[0]["status"] == "PROCESS_SUCCESS"
    assert jobs[0]["outputs"][0]["first_number"] == 0


def test_check_reports_every_problem_at_once(tmp_path, mattebox_home):
    src = make_clip(str(tmp_path / "tiny.mkv"), frames=5, width=6, height=6, codec="ffv1", pix_fmt="yuv444p", container="matroska")
    proc = run_cli(mattebox_home, "check", "greenscreen", src, "-o", str(tmp_path / "nope" / "o.mov"), "--output", "keyed",
                   "--backend", "index", "--frames", "2-9", "--json")
    data = json.loads(proc.stdout)
    codes = [e["code"] for e in data["errors"]]
    assert codes == ["InvalidOutput.Path", "InvalidParameter", "InvalidFile.Resolution"], codes
    assert not data["ok"] and data["backend"] == "index" and data["source"]["frame_count"] == 5
    assert proc.returncode == 2


def test_check_ok(tmp_path, mattebox_home):
    src = make_clip(str(tmp_path / "c.mp4"), frames=5, width=64, height=64)
    proc = run_cli(mattebox_home, "check", "body", src, "-o", str(tmp_path / "o.mkv"), "--backend", "index", "--json")
    data = json.loads(proc.stdout)
    assert proc.returncode == 0 and data["ok"] and data["frames"] == [0, 4] and data["source"]["frame_rate"] == [25, 1]
    assert not (tmp_path / "o.mkv").exists()


def test_option_choices_are_checked_before_parsing(mattebox_home):
    from fixtures.index_backend import IndexBackend

    from mattebox.backend import Option
    from mattebox.errors import MatteboxError
    from mattebox.runner import resolve_options
    from mattebox.tasks import Task

    def switch(text: str) -> bool:
        return {"on": True, "off": False}[text.lower()]

    class WithSwitch(IndexBackend):
        def options(self, task):
            return [*super().options(task), Option("crop", switch, True, "a switch", choices=("on", "off"))]

    backend = WithSwitch()
    assert resolve_options(backend, Task.BODY, {"crop": "off"})["crop"] is False
    assert resolve_options(backend, Task.BODY, {"crop": False})["crop"] is False  # API callers pass values
    try:
        resolve_options(backend, Task.BODY, {"crop": "maybe"})
    except MatteboxError as exc:
        assert exc.code == "InvalidParameter" and "choose one of on, off" in exc.message
    else:
        raise AssertionError("a value outside the choices was accepted")
