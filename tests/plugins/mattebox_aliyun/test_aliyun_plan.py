"""Planning what to upload: balanced frame-exact chunks, the estimate's rounding, and what --fit does
for each limit (on real probed clips)."""

from __future__ import annotations

import dataclasses
import os

import pytest
from media_factory import make_clip, read_index

from mattebox.errors import MatteboxError
from mattebox.media.probe import probe
from mattebox.tasks import Task
from mattebox_aliyun.billing import estimate_charge
from mattebox_aliyun.fit import fit_resolution, plan_chunks, plan_upload
from mattebox_aliyun.limits import SERVICE_LIMITS
from mattebox_aliyun.transcode import write_chunk


def test_chunks_are_balanced_and_cover_the_range_exactly():
    assert plan_chunks(0, 2000, 2000) == [[0, 1999]]
    assert plan_chunks(0, 2001, 2000) == [[0, 1000], [1001, 2000]]
    assert plan_chunks(100, 10000, 2000) == [[100 + 2000 * i, 2099 + 2000 * i] for i in range(5)]
    for count in (1, 1999, 4001, 7777):
        chunks = plan_chunks(5, count, 2000)
        assert chunks[0][0] == 5 and chunks[-1][1] == 5 + count - 1
        assert all(b[0] == a[1] + 1 for a, b in zip(chunks, chunks[1:]))
        sizes = [b - a + 1 for a, b in chunks]
        assert max(sizes) <= 2000 and max(sizes) - min(sizes) <= 1


def test_estimate_rounds_each_request_up_to_the_second():
    est = estimate_charge(Task.BODY, [1000, 1000], 30)  # 33.3 s each → 34 s each
    assert est.seconds == [34, 34] and est.total_seconds == 68 and est.cny == pytest.approx(1.36)
    assert estimate_charge(Task.BODY, [750], 25).seconds == [30]  # exactly 30 s: not rounded up
    assert estimate_charge(Task.GREENSCREEN, [10], 25).cny is None


def test_fit_resolution_keeps_the_aspect_and_even_sizes():
    assert fit_resolution(3840, 2160, SERVICE_LIMITS[Task.HALFBODY]) == (1920, 1080)
    assert fit_resolution(2400, 200, SERVICE_LIMITS[Task.HALFBODY]) == (1920, 160)
    assert fit_resolution(3000, 1000, SERVICE_LIMITS[Task.GREENSCREEN]) == (2000, 666)


@pytest.fixture
def clip_info(tmp_path):
    return probe(make_clip(str(tmp_path / "c.mp4"), frames=40, width=320, height=240))


def test_the_original_is_uploaded_when_it_fits(clip_info):
    plan = plan_upload(clip_info, SERVICE_LIMITS[Task.BODY], 0, 40, fit=False)
    assert (plan.mode, plan.chunks, plan.changes) == ("original", [[0, 39]], [])
    assert plan_upload(clip_info, SERVICE_LIMITS[Task.BODY], 10, 20, fit=False).mode == "transcode"


def test_too_big_a_file_needs_fit_and_is_reencoded_under_the_limit(clip_info, shared_clip, tmp_path):
    huge = dataclasses.replace(clip_info, size_bytes=130 << 20)
    with pytest.raises(MatteboxError) as err:
        plan_upload(huge, SERVICE_LIMITS[Task.GREENSCREEN], 0, 40, fit=False)
    assert err.value.code == "InvalidFile.Content" and "--fit" in err.value.hint
    plan = plan_upload(huge, SERVICE_LIMITS[Task.GREENSCREEN], 0, 40, fit=True)
    assert plan.mode == "transcode" and plan.max_bytes == 120 << 20 and "re-encoded" in plan.changes[0]
    # a byte budget caps the bitrate of real footage: the same frames come out far smaller
    real = probe(shared_clip("greenscreen_walker.mp4"))
    free, capped = str(tmp_path / "free.mp4"), str(tmp_path / "capped.mp4")
    write_chunk(real, 100, 249, free)
    write_chunk(real, 100, 249, capped, max_bytes=150_000)
    assert os.path.getsize(capped) <= 150_000 < os.path.getsize(free)
    assert probe(capped).video.frame_count == 150
    # and frames stay exact
    exact = str(tmp_path / "exact.mp4")
    write_chunk(clip_info, 7, 26, exact, max_bytes=20_000)
    import av

    with av.open(exact) as c:
        assert [read_index(f.to_ndarray(format="rgb24")) for f in c.decode(video=0)] == list(range(7, 27))
