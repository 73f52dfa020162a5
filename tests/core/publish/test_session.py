"""The shared pyblish pipeline driven by a publish session, with a test host's collect/integrate plugins."""

from __future__ import annotations

import os
import time

import pytest

from pathlib import Path
from mattebox.publish import PublishSession, install, uninstall

HOST_PLUGINS = Path(__file__).resolve().parent / "host_plugins"


def _clip(tmp_path, source, label, *, backend="index", frames=(0, 9), output="keyed.mov", **request):
    request.setdefault("kind", "keyed")
    req = dict(task="greenscreen", source=source, output=str(tmp_path / "out" / label / output), backend=backend,
               frames=frames, label=label, **request)
    return {"label": label, "request": req, "source_frames": 40}


@pytest.fixture
def host(pyblish_clean):
    handle = install("mattebox-test", [str(HOST_PLUGINS)])
    yield handle
    uninstall(handle)


def _session(client, clips, **kw):
    return PublishSession(client, "mattebox-test", settings={"clips": clips}, **kw)


def test_install_registers_and_uninstall_removes_exactly_that(pyblish_clean):
    import pyblish.api

    pyblish.api.register_plugin_path("/somebody/elses/plugins")
    before = list(pyblish.api.registered_paths())
    handle = install("mattebox-test", [str(HOST_PLUGINS)])
    assert "mattebox-test" in pyblish.api.registered_hosts()
    names = {p.__name__ for p in pyblish.api.discover()}
    assert {"CollectListedClips", "CollectRuntimeCheck", "ValidateClip", "ValidateLimits", "ExtractMatte",
            "ExtractOutputs", "IntegrateListedClips"} <= names
    again = install("mattebox-test", [str(HOST_PLUGINS)])
    assert again.paths == [] and not again.host_added  # installing twice registers nothing twice
    uninstall(handle)
    assert "mattebox-test" not in pyblish.api.registered_hosts()
    assert pyblish.api.registered_paths() == before


def test_two_clips_are_processed_and_integrated(tmp_path, client, clip, host):
    started = []
    clips = [_clip(tmp_path, clip, "first", frames=(0, 9)), _clip(tmp_path, clip, "second", frames=(20, 39), kind="matte",
                                                                   output="m_%04d.png")]
    session = _session(client, clips, on_job_started=lambda instance, job: started.append(job.job_id))
    report = session.run()
    assert report.ok, report.details()
    assert report.instances == 2 and len(started) == 2
    by_label = {item["label"]: item for item in report.integrated}
    first, second = by_label["first"]["outputs"][0], by_label["second"]["outputs"][0]
    assert first["kind"] == "keyed" and first["frames"] == 10 and os.path.isfile(first["path"])
    assert second["kind"] == "matte" and second["frames"] == 20 and second["first_number"] == 20
    assert session.progress() == (1.0, "mattebox: 2 clip(s) done")
    assert {client.show_job(j)["status"] for j in started} == {"PROCESS_SUCCESS"}


def test_validation_failure_stops_before_any_job(tmp_path, client, clip, host):
    clips = [
        _clip(tmp_path, clip, "good"),
        _clip(tmp_path, str(tmp_path / "moved-away.mp4"), "missing"),
        _clip(tmp_path, clip, "outside", frames=(30, 45)),
        dict(_clip(tmp_path, clip, "retimed"), problems=[{"code": "InvalidParameter", "message": "strip 'retimed' is retimed"}]),
    ]
    report = _session(client, clips).run()
    assert not report.ok and report.stopped_at_validation
    codes = {e.subject: (e.stage, e.code, e.error.message) for e in report.errors}
    assert codes["missing"][:2] == ("validate", "InvalidFile.Download") and "moved-away.mp4" in codes["missing"][2]
    assert codes["outside"][:2] == ("validate", "InvalidParameter") and "frames 30-45" in codes["outside"][2]
    assert codes["retimed"][:2] == ("validate", "InvalidParameter")
    assert "good" not in codes
    assert report.integrated == [] and client.jobs_for_source(clip) == []  # pyblish stopped: no job ran
    assert report.summary().startswith("mattebox: InvalidFile.Download: missing: the media file")


def test_several_problems_of_one_clip_are_listed_together(tmp_path, client, host):
    clips = [dict(_clip(tmp_path, str(tmp_path / "gone.mp4"), "clip", frames=(5, 2)),
                  problems=[{"code": "InvalidFile.Type", "message": "image sequences are not supported"}])]
    (error,) = _session(client, clips).run().errors
    assert error.code == "InvalidFile.Type"
    assert error.error.message.splitlines() == [
        "- InvalidFile.Type: image sequences are not supported",
        f"- InvalidFile.Download: clip: the media file {tmp_path / 'gone.mp4'} does not exist",
        "- InvalidParameter: clip: no frames of the clip are used (range 5-2)",
    ]


def test_a_failing_job_is_reported_and_the_other_clip_still_integrates(tmp_path, client, clip, host):
    clips = [_clip(tmp_path, clip, "fails", frames=(0, 19), options={"fail-at": "7"}), _clip(tmp_path, clip, "works")]
    report = _session(client, clips).run()
    assert [(e.stage, e.subject, e.code) for e in report.errors] == [("extract", "fails", "InternalServerError.Algo")]
    assert [item["label"] for item in report.integrated] == ["works"]
    assert not report.stopped_at_validation


def test_step_never_waits_for_the_job(tmp_path, client, clip, host):
    """The host's UI timer calls step(): it returns while the job runs, and progress moves forward."""
    session = _session(client, [_clip(tmp_path, clip, "slow", frames=(0, 29), options={"delay": "0.05"})])
    fractions, steps_while_running = [], 0
    while not session.step(budget=0.02):
        job = next(iter(session.jobs.values()), None)
        if job is not None and not job.done:
            steps_while_running += 1
        fractions.append(session.progress()[0])
        time.sleep(0.02)
    assert session.report.ok, session.report.details()
    assert steps_while_running > 10  # the job took ~1.5 s and step() kept returning meanwhile
    assert fractions == sorted(fractions), fractions
    assert any(0 < f < 1 for f in fractions), fractions  # progress was shown while the job ran


def test_cancel_mid_publish(tmp_path, client, clip, host):
    clips = [_clip(tmp_path, clip, "first", frames=(0, 39), options={"delay": "0.05"}), _clip(tmp_path, clip, "second")]
    session = _session(client, clips)
    while not session.step():
        job = next(iter(session.jobs.values()), None)
        if job is not None and job.progress is not None and job.progress.frame >= 3:
            session.cancel()
            assert "cancelling" in session.progress()[1]
        time.sleep(0.02)
    report = session.report
    assert report.cancelled and not report.ok and report.integrated == []
    assert {(e.subject, e.code) for e in report.errors} == {("first", "Job.Cancelled"), ("second", "Job.Cancelled")}
    assert len(session.jobs) == 1  # the second clip's job never started
    assert not os.path.exists(clips[0]["request"]["output"])


def test_a_plugin_bug_is_reported_not_swallowed(tmp_path, client, clip, host):
    import pyblish.api

    class IntegrateBroken(pyblish.api.InstancePlugin):
        order = pyblish.api.IntegratorOrder + 0.1
        families = ["mattebox"]

        def process(self, instance):
            raise KeyError("channel")

    from mattebox.publish.pipeline import discover_plugins

    session = _session(client, [_clip(tmp_path, clip, "clip")], plugins=discover_plugins() + [IntegrateBroken])
    (error,) = session.run().errors
    assert (error.stage, error.code, error.subject) == ("integrate", "Host.PluginFailed", "clip")
    assert "IntegrateBroken failed: KeyError: 'channel'" in error.error.message


def test_the_runtime_checks_the_backend_limits_at_validation(tmp_path, client, clip, host):
    from media_factory import make_clip

    tiny = make_clip(str(tmp_path / "tiny.mp4"), frames=4, width=6, height=6, codec="mpeg4")
    clips = [_clip(tmp_path, clip, "fine"), dict(_clip(tmp_path, tiny, "tiny", frames=(0, 3)), source_frames=4)]
    session = _session(client, clips)
    report = session.run()
    assert [(e.stage, e.subject, e.code) for e in report.errors] == [("validate", "tiny", "InvalidFile.Resolution")]
    assert "6x6" in report.errors[0].error.message
    assert report.stopped_at_validation and report.integrated == [] and client.jobs_for_source(clip) == []
    fine = next(i for i in session.instances() if i.name == "fine")
    assert fine.data["mattebox"]["checked"]["backend"] == "index"
    assert fine.data["mattebox"]["checked"]["source"]["frame_count"] == 40
