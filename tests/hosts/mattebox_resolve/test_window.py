"""The Workspace > Scripts > mattebox window (Fusion UIManager stand-in), run through the real entry script."""

from __future__ import annotations

from pathlib import Path

import resolve_standin as rs

from mattebox_resolve.api import lib

ENTRY = Path(__file__).resolve().parents[3] / "hosts" / "mattebox_resolve" / "entry.py"
RECORD = 86400 + 24


def _run_entry(resolve, fusion_ui, script_path=ENTRY):
    namespace = {"__name__": "__main__", "__file__": str(script_path), "resolve": resolve, "fusion": resolve.Fusion(),
                 "bmd": fusion_ui.bmd}
    exec(compile(script_path.read_text(), str(script_path), "exec"), namespace)


def _status(window):
    return window.Find("Status").Text


def test_window_runs_the_clip_under_the_playhead_with_progress(resolve_app, source_clip, runtime, monkeypatch, fusion_ui):
    monkeypatch.setenv("MATTEBOX_RUNTIME", runtime)
    rs.add_clip_to_timeline(resolve_app, source_clip, record=RECORD, source_in=4, duration=20)
    rs.set_playhead(resolve_app, RECORD + 3)
    seen = []
    fusion_ui.script(
        (lambda w: True, fusion_ui.choose("Task", "Person")),
        (lambda w: True, fusion_ui.type_text("Backend", "index")),
        (lambda w: True, fusion_ui.type_text("Options", "delay=0.03")),
        (lambda w: True, fusion_ui.click("Run")),
        (lambda w: "frame" in _status(w) and w.Find("Progress").Value > 0,
         lambda w: seen.append((_status(w), w.Find("Run").Enabled, w.Find("Cancel").Enabled))),
        (lambda w: "done" in _status(w), lambda w: seen.append((_status(w), w.Find("Run").Enabled, w.Find("Progress").Value))),
        (lambda w: True, fusion_ui.close()),
    )
    _run_entry(resolve_app, fusion_ui)
    running, finished = seen
    assert "frame" in running[0] and running[1:] == (False, True)
    assert finished == ("mattebox: 1 clip(s) done", True, 100)
    timeline = resolve_app.GetProjectManager().GetCurrentProject().GetCurrentTimeline()
    [layer] = timeline.GetItemListInTrack("video", 2)
    assert (layer.GetStart(), layer.GetDuration()) == (RECORD, 20)


def test_window_cancel_stops_the_job(resolve_app, source_clip, runtime, monkeypatch, fusion_ui):
    monkeypatch.setenv("MATTEBOX_RUNTIME", runtime)
    rs.add_clip_to_timeline(resolve_app, source_clip, record=RECORD, source_in=0, duration=40)
    rs.set_playhead(resolve_app, RECORD)
    seen = []
    fusion_ui.script(
        (lambda w: True, fusion_ui.type_text("Backend", "index")),
        (lambda w: True, fusion_ui.type_text("Options", "delay=0.1")),
        (lambda w: True, fusion_ui.click("Run")),
        (lambda w: "frame" in _status(w), fusion_ui.click("Cancel")),
        (lambda w: w.Find("Run").Enabled, lambda w: seen.append(_status(w))),
        (lambda w: True, fusion_ui.close()),
    )
    _run_entry(resolve_app, fusion_ui)
    assert seen == ["mattebox: cancelled"]
    assert resolve_app.GetProjectManager().GetCurrentProject().GetCurrentTimeline().GetTrackCount("video") == 1


def test_window_reports_no_timeline_and_a_missing_runtime(source_clip, tmp_path, monkeypatch, fusion_ui, pyblish_clean):
    import DaVinciResolveScript

    resolve = rs.new_resolve(timeline=None)
    DaVinciResolveScript._register(resolve)
    monkeypatch.setenv("MATTEBOX_RUNTIME", str(tmp_path / "missing" / "mattebox"))
    seen = []
    fusion_ui.script(
        (lambda w: True, fusion_ui.click("Run")),
        (lambda w: True, lambda w: seen.append(_status(w))),
        (lambda w: True, fusion_ui.close()),
    )
    _run_entry(resolve, fusion_ui)
    assert seen[0].startswith("Runtime.NotFound: ")
    DaVinciResolveScript._register(None)


def test_source_range_follows_offset_duration_and_frame_rates():
    assert lib.source_range(12, 20, 24.0, 24.0) == (12, 31)
    assert lib.source_range(0, 24, 48.0, 24.0) == (0, 47)  # a 48 fps clip on a 24 fps timeline: two source frames each
    assert lib.source_range(5, 30, 25.0, lib.parse_rate("29.97 DF")) == (5, 29)
    assert lib.parse_rate("23.976") == 23.976 and lib.parse_rate(25) == 25.0 and lib.parse_rate("") == 0.0
