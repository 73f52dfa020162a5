"""The cloud backend end to end through the emulator: all three tasks, real clips and real mattes,
long clips split and stitched frame-exactly, the user's bucket, limits, the estimate, and secrets
that stay out of the job store."""

from __future__ import annotations

import av
import numpy as np
import pytest
from aliyun_helpers import LumaEngine, read_matte_indices
from aliyun_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET
from media_factory import make_clip

from mattebox import api
from mattebox.errors import MatteboxError
from mattebox.store import JobStore


@pytest.fixture
def cloud(monkeypatch):
    """``use(emulator)``: point the backend at an emulator with the test AccessKey in the environment."""

    def use(emulator):
        monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", ACCESS_KEY_ID)
        monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ACCESS_KEY_SECRET)
        monkeypatch.setenv("MATTEBOX_ALIYUN_ENDPOINT", emulator.url)
        return emulator

    return use


def _mattes(path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="gray") for f in c.decode(video=0)]


def test_body_on_a_real_clip_gives_the_local_models_mattes(emulator, cloud, shared_clip, tmp_path):
    cloud(emulator)
    clip = shared_clip("greenscreen_walker.mp4")
    job = api.run("body", clip, tmp_path / "cloud.mkv", backend="aliyun", frames=(30, 59))
    assert job.status.value == "PROCESS_SUCCESS" and job.frames_done == 30
    cloud_mattes = _mattes(tmp_path / "cloud.mkv")
    assert len(cloud_mattes) == 30 and cloud_mattes[0].shape == (720, 1280)
    # the emulator ran the local selfie model on the uploaded chunk: the person is found in every frame
    for m in cloud_mattes:
        assert 0.02 < (m > 127).mean() < 0.2
    chunk = job.remote["chunks"][0]
    assert chunk["state"] == "downloaded" and chunk["submits"] == 1 and len(chunk["request_ids"]) == 1
    assert job.remote["plan"]["mode"] == "transcode"  # a frame range is cut frame-exactly
    assert job.remote["estimate"] == {"requests": 1, "seconds": [1], "total_seconds": 1, "cny": 0.02, "action": "SegmentVideoBody"}


def test_halfbody_and_greenscreen_reach_their_actions(emulator_factory, cloud, tmp_path):
    engine = LumaEngine()
    emu = cloud(emulator_factory(engine=engine))
    clip = make_clip(str(tmp_path / "c.mp4"), frames=20, width=320, height=240)
    for task in ("halfbody", "greenscreen"):
        job = api.run(task, clip, tmp_path / f"{task}.mkv", backend="aliyun")
        assert read_matte_indices(str(tmp_path / f"{task}.mkv")) == list(range(20))
        assert job.remote["plan"]["mode"] == "original" and job.remote["estimate"]["cny"] is None
    actions = sorted(j["Action"] for j in emu.stats()["jobs"])
    assert actions == ["SegmentGreenScreenVideo", "SegmentHalfBody"]


def test_a_clip_over_2000_frames_is_split_and_stitched_frame_exactly(emulator_factory, cloud, tmp_path):
    engine = LumaEngine()
    emu = cloud(emulator_factory(engine=engine, workers=3))
    clip = make_clip(str(tmp_path / "long.mp4"), frames=4100, width=64, height=48)
    job = api.run("body", clip, tmp_path / "long.mkv", backend="aliyun", options={"parallel": "3"})
    chunks = job.remote["chunks"]
    assert [(c["first"], c["last"]) for c in chunks] == [(0, 1366), (1367, 2733), (2734, 4099)]
    assert [c["submits"] for c in chunks] == [1, 1, 1]
    assert read_matte_indices(str(tmp_path / "long.mkv")) == [i % 256 for i in range(4100)]
    assert sorted(emu.stats()["submissions"].values()) == [1, 1, 1]
    assert job.remote["estimate"]["seconds"] == [55, 55, 55]  # each request rounded up on its own


def test_own_bucket_upload_is_deleted_afterwards_unless_kept(emulator_factory, cloud, tmp_path):
    emu = cloud(emulator_factory(engine=LumaEngine()))
    clip = make_clip(str(tmp_path / "c.mp4"), frames=10, width=160, height=120)
    api.run("body", clip, tmp_path / "a.mkv", backend="aliyun", options={"bucket": "my-bucket"})
    assert emu.store.keys("my-bucket") == []
    assert list(emu.stats()["submissions"])[0].startswith("my-bucket/mattebox/")
    job = api.run("body", clip, tmp_path / "b.mkv", backend="aliyun", options={"bucket": "my-bucket", "keep-upload": "yes"})
    assert emu.store.keys("my-bucket") == [f"mattebox/{job.id}/chunk-000.mp4"]


def test_limits_are_checked_before_anything_is_uploaded(emulator_factory, cloud, tmp_path):
    emu = cloud(emulator_factory(engine=LumaEngine()))
    mkv = make_clip(str(tmp_path / "c.mkv"), frames=12, width=160, height=120, container="matroska")
    with pytest.raises(MatteboxError) as err:
        api.run("body", mkv, tmp_path / "x.mkv", backend="aliyun")
    assert err.value.code == "InvalidFile.Type" and "--fit" in err.value.hint
    wide = make_clip(str(tmp_path / "wide.mp4"), frames=6, width=2400, height=200)
    with pytest.raises(MatteboxError) as err:
        api.run("halfbody", wide, tmp_path / "y.mkv", backend="aliyun")
    assert err.value.code == "InvalidFile.Resolution"
    tiny = make_clip(str(tmp_path / "tiny.mp4"), frames=6, width=96, height=96)
    with pytest.raises(MatteboxError) as err:
        api.run("halfbody", tiny, tmp_path / "z.mkv", backend="aliyun", options={"fit": "yes"})
    assert err.value.code == "InvalidFile.Resolution" and "below" in err.value.message
    assert emu.stats()["requests"] == 0  # nothing was uploaded, authorised or submitted

    job = api.run("body", mkv, tmp_path / "x.mkv", backend="aliyun", options={"fit": "yes"})
    assert job.remote["plan"]["mode"] == "remux" and "remuxed MKV into MP4" in job.remote["plan"]["changes"][0]
    assert read_matte_indices(str(tmp_path / "x.mkv")) == list(range(12))
    job = api.run("halfbody", wide, tmp_path / "y.mkv", backend="aliyun", options={"fit": "yes"})
    assert job.remote["plan"]["size"] == [1920, 160]
    assert _mattes(tmp_path / "y.mkv")[0].shape == (200, 2400)  # scaled back to the source's size
    assert read_matte_indices(str(tmp_path / "y.mkv")) == list(range(6))


def test_max_charge_refuses_before_uploading(emulator_factory, cloud, tmp_path, caplog):
    emu = cloud(emulator_factory(engine=LumaEngine()))
    clip = make_clip(str(tmp_path / "c.mp4"), frames=100, width=160, height=120)  # 4 s at 25 fps: 0.08 CNY
    with pytest.raises(MatteboxError) as err:
        api.run("body", clip, tmp_path / "x.mkv", backend="aliyun", options={"max-charge": "0.05"})
    assert err.value.code == "InvalidParameter" and "0.08 CNY exceeds --max-charge 0.05" in err.value.message
    assert emu.stats()["requests"] == 0
    assert "estimated charge: 1 SegmentVideoBody request, 4 billable s ≈ 0.08 CNY" in caplog.text
    job = JobStore().list(limit=1)[0]
    assert job.remote["estimate"]["cny"] == 0.08 and job.remote["chunks"][0]["state"] == "pending"


def test_the_secret_stays_out_of_the_job_store(emulator_factory, cloud, tmp_path, mattebox_home):
    emu = cloud(emulator_factory(engine=LumaEngine()))
    emu.set_faults(["process_failed:1x"])
    clip = make_clip(str(tmp_path / "c.mp4"), frames=10, width=160, height=120)
    with pytest.raises(MatteboxError):
        api.run("body", clip, tmp_path / "x.mkv", backend="aliyun")
    api.run("body", clip, tmp_path / "y.mkv", backend="aliyun")
    for path in mattebox_home.rglob("*"):
        if path.is_file():
            assert ACCESS_KEY_SECRET.encode() not in path.read_bytes(), path


def test_greenscreen_on_a_real_clip_gives_the_keyers_mattes(emulator, cloud, shared_clip, tmp_path):
    cloud(emulator)  # the emulator's default engine: the local keyer for SegmentGreenScreenVideo
    job = api.run("greenscreen", shared_clip("greenscreen_walker.mp4"), tmp_path / "key.mkv", backend="aliyun", frames=(100, 119))
    assert job.status.value == "PROCESS_SUCCESS"
    mattes = _mattes(tmp_path / "key.mkv")
    assert len(mattes) == 20 and mattes[0].shape == (720, 1280)
    for m in mattes:  # one dark walker keyed out of an even green screen
        fg = m > 127
        assert 0.02 < fg.mean() < 0.2
        rows, cols = np.flatnonzero(fg.any(axis=1)), np.flatnonzero(fg.any(axis=0))
        assert (rows[-1] - rows[0]) > (cols[-1] - cols[0])
    assert [j["Action"] for j in emulator.stats()["jobs"]] == ["SegmentGreenScreenVideo"]
