"""Resolve (the stand-in): the trimmed clip under the playhead becomes a keyed layer on exactly its frames; clip mattes; errors; cancel."""

from __future__ import annotations

import os

import pytest

import resolve_standin as rs
from fixtures.index_backend import level

from mattebox_resolve.api import install, start_publish, uninstall

from resolve_media import alpha_levels, luma_levels

RECORD = 86400 + 48  # two seconds into the timeline


def _publish(resolve, client, **kw):
    handle = install()
    try:
        return start_publish(resolve, kw.pop("task", "body"), backend="index", client=client, **kw).run(), handle
    finally:
        uninstall(handle)


@pytest.mark.parametrize("version", [(19, 1, 3, 7, ""), (18, 6, 6, 7, "")], ids=["resolve19", "resolve18"])
def test_trimmed_clip_under_playhead_becomes_a_keyed_layer_on_exactly_its_frames(source_clip, client, version, pyblish_clean):
    import DaVinciResolveScript

    resolve = rs.new_resolve(version=version)
    DaVinciResolveScript._register(resolve)
    item = rs.add_clip_to_timeline(resolve, source_clip, record=RECORD, source_in=12, duration=20)
    rs.set_playhead(resolve, RECORD + 5)
    report, _ = _publish(resolve, client)
    assert report.ok, report.details()
    timeline = resolve.GetProjectManager().GetCurrentProject().GetCurrentTimeline()
    assert timeline.GetTrackCount("video") == 2
    [layer] = timeline.GetItemListInTrack("video", 2)
    assert (layer.GetStart(), layer.GetDuration(), layer.GetLeftOffset()) == (RECORD, 20, 0)
    assert timeline.GetItemListInTrack("video", 1) == [item]  # the source is untouched
    path = layer.GetMediaPoolItem().GetClipProperty("File Path")
    assert path == report.integrated[0]["path"] and os.path.dirname(path) == os.path.join(os.path.dirname(source_clip), "mattebox")
    assert layer.GetMediaPoolItem().GetClipProperty("Alpha mode") == "Premultiplied"
    levels = alpha_levels(path)
    assert len(levels) == 20
    for i, got in enumerate(levels):  # frame i of the layer is source frame 12 + i
        assert abs(got - level(12 + i)) < 2e-3, (i, got, level(12 + i))
    pool = resolve.GetProjectManager().GetCurrentProject().GetMediaPool()
    [bin_] = [f for f in pool.GetRootFolder().GetSubFolderList() if f.GetName() == "mattebox"]
    assert bin_.GetClipList() == [layer.GetMediaPoolItem()]


def test_two_publishes_over_the_same_clip_stack_on_new_tracks(resolve_app, source_clip, client):
    rs.add_clip_to_timeline(resolve_app, source_clip, record=RECORD, source_in=0, duration=10)
    rs.set_playhead(resolve_app, RECORD)
    assert _publish(resolve_app, client)[0].ok
    assert _publish(resolve_app, client, output_dir=str(os.path.dirname(source_clip)) + "/second")[0].ok
    timeline = resolve_app.GetProjectManager().GetCurrentProject().GetCurrentTimeline()
    assert timeline.GetTrackCount("video") == 3  # the first layer's track was not free any more


def test_clip_matte_covers_the_whole_clip_and_attaches_to_the_media_pool_item(resolve_app, source_clip, client):
    item = rs.add_clip_to_timeline(resolve_app, source_clip, record=RECORD, source_in=12, duration=20)
    rs.set_playhead(resolve_app, RECORD)
    report, _ = _publish(resolve_app, client, output="clip_matte")
    assert report.ok, report.details()
    pool = resolve_app.GetProjectManager().GetCurrentProject().GetMediaPool()
    [matte] = pool.GetClipMatteList(item.GetMediaPoolItem())
    levels = luma_levels(matte)
    assert len(levels) == 60  # a clip matte follows the clip frame for frame, whatever part the timeline uses
    assert all(abs(got - level(i)) < 0.01 for i, got in enumerate(levels))
    timeline = resolve_app.GetProjectManager().GetCurrentProject().GetCurrentTimeline()
    assert timeline.GetTrackCount("video") == 1


def test_selected_clips_in_the_media_pool_process_each_use_on_the_timeline(resolve_app, source_clip, client):
    first = rs.add_clip_to_timeline(resolve_app, source_clip, record=RECORD, source_in=0, duration=8)
    second = rs.add_clip_to_timeline(resolve_app, source_clip, record=RECORD + 30, source_in=40, duration=6)
    rs.select_clips(resolve_app, [first.GetMediaPoolItem()])
    report, _ = _publish(resolve_app, client, target="selected")
    assert report.ok, report.details()
    timeline = resolve_app.GetProjectManager().GetCurrentProject().GetCurrentTimeline()
    layers = timeline.GetItemListInTrack("video", 2)
    assert [(i.GetStart(), i.GetDuration()) for i in layers] == [(RECORD, 8), (RECORD + 30, 6)]  # one new track for both
    assert [round(v, 3) for v in alpha_levels(layers[1].GetMediaPoolItem().GetClipProperty("File Path"))][:1] == [round(level(40), 3)]
    assert second.GetMediaPoolItem() is first.GetMediaPoolItem()


@pytest.mark.parametrize("setup, code", [
    ("no timeline", "Host.NoTimeline"),
    ("no clip under the playhead", "Host.NoClip"),
    ("selection on Resolve 18", "Host.Unsupported"),
])
def test_missing_targets_give_a_clear_message(source_clip, client, pyblish_clean, setup, code):
    resolve = rs.new_resolve(version=(18, 6, 6, 7, "") if "18" in setup else (19, 1, 3, 7, ""),
                             timeline=None if setup == "no timeline" else "Timeline 1")
    if setup != "no timeline":
        rs.add_clip_to_timeline(resolve, source_clip, record=RECORD, source_in=0, duration=10)
        rs.set_playhead(resolve, RECORD - 1)
    report, _ = _publish(resolve, client, target="selected" if "selection" in setup else "playhead")
    assert not report.ok and report.errors[0].code == code
    assert report.summary().startswith("mattebox: " + code)
    assert report.errors[0].error.hint


def test_cancel_stops_the_job_and_places_nothing(resolve_app, source_clip, client):
    rs.add_clip_to_timeline(resolve_app, source_clip, record=RECORD, source_in=0, duration=40)
    rs.set_playhead(resolve_app, RECORD)
    handle = install()
    try:
        session = start_publish(resolve_app, "body", backend="index", options={"delay": "0.1"}, client=client)
        while not session.step() and not any(j.progress and j.progress.frame > 0 for j in session.jobs.values()):
            pass
        session.cancel()
        report = session.run()
    finally:
        uninstall(handle)
    assert report.cancelled and not report.integrated
    [job] = session.jobs.values()
    assert client.show_job(job.job_id)["status"] == "CANCELLED"
    timeline = resolve_app.GetProjectManager().GetCurrentProject().GetCurrentTimeline()
    assert timeline.GetTrackCount("video") == 1
