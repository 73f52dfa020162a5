"""The Resolve stand-in keeps Resolve's state and rejects what the scripting API rejects."""

from __future__ import annotations

import pytest

import DaVinciResolveScript
import resolve_standin as rs


@pytest.fixture
def clip(shared_clip):
    return shared_clip("greenscreen_walker.mp4")


def test_scriptapp_answers_only_a_running_resolve():
    DaVinciResolveScript._register(None)
    assert DaVinciResolveScript.scriptapp("Resolve") is None
    resolve = rs.new_resolve()
    DaVinciResolveScript._register(resolve)
    assert DaVinciResolveScript.scriptapp("Resolve") is resolve
    DaVinciResolveScript._register(None)


def test_imported_clip_has_the_file_properties(clip):
    resolve = rs.new_resolve()
    pool = resolve.GetProjectManager().GetCurrentProject().GetMediaPool()
    [mpi] = pool.ImportMedia([clip])
    assert mpi.GetClipProperty("Frames") == "354"
    assert mpi.GetClipProperty("FPS") == 30.0
    assert mpi.GetClipProperty("File Path") == clip
    assert pool.ImportMedia(["/no/such/file.mov"]) == []


def test_trimmed_item_reports_record_range_and_source_offset(clip):
    resolve = rs.new_resolve()
    item = rs.add_clip_to_timeline(resolve, clip, record=86410, source_in=30, duration=50)
    assert (item.GetStart(), item.GetEnd(), item.GetDuration(), item.GetLeftOffset()) == (86410, 86460, 50, 30)
    assert item.GetRightOffset() == 354 - 80
    timeline = resolve.GetProjectManager().GetCurrentProject().GetCurrentTimeline()
    rs.set_playhead(resolve, 86409)
    assert timeline.GetCurrentVideoItem() is None
    rs.set_playhead(resolve, 86459)
    assert timeline.GetCurrentVideoItem() is item


@pytest.mark.parametrize("version, end, frames", [((19, 1, 3, 7, ""), 20, 10), ((18, 6, 6, 7, ""), 20, 11)])
def test_append_end_frame_is_exclusive_from_19_and_inclusive_before(clip, version, end, frames):
    resolve = rs.new_resolve(version=version)
    project = resolve.GetProjectManager().GetCurrentProject()
    [mpi] = project.GetMediaPool().ImportMedia([clip])
    [item] = project.GetMediaPool().AppendToTimeline([{"mediaPoolItem": mpi, "startFrame": 10, "endFrame": end,
                                                        "trackIndex": 1, "recordFrame": 86400}])
    assert item.GetDuration() == frames


def test_append_validates_shapes_and_refuses_occupied_ranges(clip):
    resolve = rs.new_resolve()
    project = resolve.GetProjectManager().GetCurrentProject()
    pool = project.GetMediaPool()
    [mpi] = pool.ImportMedia([clip])
    info = {"mediaPoolItem": mpi, "startFrame": 0, "endFrame": 10, "trackIndex": 1, "recordFrame": 86400}
    assert len(pool.AppendToTimeline([info])) == 1
    assert pool.AppendToTimeline([info]) == []  # occupied
    with pytest.raises(rs.ResolveApiError, match="trackIndex 2"):
        pool.AppendToTimeline([{**info, "trackIndex": 2}])
    with pytest.raises(rs.ResolveApiError, match="must be an int"):
        pool.AppendToTimeline([{**info, "recordFrame": 86500.0}])
    with pytest.raises(rs.ResolveApiError, match="unknown keys"):
        pool.AppendToTimeline([{**info, "track": 1}])
    timeline = project.GetCurrentTimeline()
    assert timeline.AddTrack("video") and timeline.GetTrackCount("video") == 2
    assert len(pool.AppendToTimeline([{**info, "trackIndex": 2}])) == 1


def test_calls_the_api_lacks_fail_loudly(clip):
    resolve = rs.new_resolve(version=(18, 6, 6, 7, ""))
    project = resolve.GetProjectManager().GetCurrentProject()
    with pytest.raises(AttributeError, match="no GetSelectedItems"):
        project.GetCurrentTimeline().GetSelectedItems()
    with pytest.raises(AttributeError, match="19.0.2"):
        project.GetMediaPool().GetSelectedClips()
    with pytest.raises(rs.ResolveApiError):
        project.GetCurrentTimeline().GetItemListInTrack("video", 0)


def test_clip_mattes_attach_to_the_media_pool_item(clip, tmp_path):
    resolve = rs.new_resolve()
    project = resolve.GetProjectManager().GetCurrentProject()
    [mpi] = project.GetMediaPool().ImportMedia([clip])
    storage = resolve.GetMediaStorage()
    assert storage.AddClipMattesToMediaPool(mpi, [str(tmp_path / "missing.mov")]) is False
    matte = tmp_path / "matte.mov"
    matte.write_bytes(b"x")
    assert storage.AddClipMattesToMediaPool(mpi, [str(matte)]) is True
    assert project.GetMediaPool().GetClipMatteList(mpi) == [str(matte)]
