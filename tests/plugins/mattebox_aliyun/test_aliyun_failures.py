"""Every error the service documents, through the backend: the right code (with RequestId and a
hint), retried when the service says "try again", the right job status for failed jobs, automatic
resubmission of LIMIT_RETRY_FAILED, expired results, dropped actions, and a storm of faults."""

from __future__ import annotations

import pytest
from aliyun_helpers import LumaEngine, read_matte_indices
from aliyun_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET
from media_factory import make_clip

from mattebox import api
from mattebox.errors import ERROR_CODES, MatteboxError
from mattebox.store import JobStore

# The codes videoseg-api.md lists, with their HTTP status.
DOCUMENTED_4XX = ["InvalidParameter", "InvalidParameter.Format", "MissingParameter", "InvalidParameter.BadRequest",
                  "InvalidFile.Resolution", "InvalidFile.Download", "InvalidFile.Decode", "InvalidFile.Category",
                  "InvalidFile.Content", "InvalidFile.Type", "InvalidFile.Unsafe", "InvalidFile.URL", "InvalidFile.Region"]
DOCUMENTED_5XX = ["InternalServerError", "InternalServerError.Model", "InternalServerError.Algo", "InternalServerError.Busy"]


@pytest.fixture
def cloud_emulator(emulator_factory, monkeypatch, tmp_path):
    def make(**config):
        config.setdefault("engine", LumaEngine())
        emu = emulator_factory(**config)
        monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", ACCESS_KEY_ID)
        monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ACCESS_KEY_SECRET)
        monkeypatch.setenv("MATTEBOX_ALIYUN_ENDPOINT", emu.url)
        return emu

    return make


@pytest.fixture
def clip(tmp_path):
    return make_clip(str(tmp_path / "c.mp4"), frames=10, width=160, height=120)


@pytest.mark.parametrize("code", DOCUMENTED_4XX)
def test_documented_client_errors_surface_with_their_code(cloud_emulator, clip, tmp_path, code):
    emu = cloud_emulator()
    emu.set_faults([f"code={code}:1x@SegmentVideoBody"])
    with pytest.raises(MatteboxError) as err:
        api.run("body", clip, tmp_path / "x.mkv", backend="aliyun", options={"bucket": "my-bucket"})
    assert err.value.code == code and err.value.request_id
    assert err.value.hint == ERROR_CODES[code].hint
    job = JobStore().list(limit=1)[0]
    assert job.status.value == "PROCESS_FAILED" and job.error["code"] == code
    assert emu.stats()["faults"]["injected"] == {"code": 1} and emu.stats()["submissions"] == {}


def test_a_temporary_upload_the_service_cannot_download_is_uploaded_again_once(cloud_emulator, clip, tmp_path):
    emu = cloud_emulator()
    emu.set_faults(["code=InvalidFile.Download:1x@SegmentVideoBody"])
    job = api.run("body", clip, tmp_path / "x.mkv", backend="aliyun")
    assert job.remote["chunks"][0]["reuploaded"] is True
    assert len(emu.store.keys("viapi-customer-temp")) == 2 and list(emu.stats()["submissions"].values()) == [1]
    emu.set_faults(["code=InvalidFile.Download:2x@SegmentVideoBody"])
    with pytest.raises(MatteboxError) as err:
        api.run("body", clip, tmp_path / "y.mkv", backend="aliyun")
    assert err.value.code == "InvalidFile.Download"


@pytest.mark.parametrize("code", DOCUMENTED_5XX)
def test_documented_server_errors_are_retried(cloud_emulator, clip, tmp_path, code):
    emu = cloud_emulator()
    emu.set_faults([f"code={code}:1x@SegmentVideoBody"])
    job = api.run("body", clip, tmp_path / "x.mkv", backend="aliyun")
    assert job.status.value == "PROCESS_SUCCESS"
    assert list(emu.stats()["submissions"].values()) == [1]


def test_a_persistent_busy_service_is_reported_after_the_retries(cloud_emulator, clip, tmp_path):
    emu = cloud_emulator()
    emu.set_faults(["busy:1.0@SegmentVideoBody"])
    with pytest.raises(MatteboxError) as err:
        api.run("body", clip, tmp_path / "x.mkv", backend="aliyun")
    assert err.value.code == "InternalServerError.Busy" and err.value.hint == "retry in a moment"
    assert emu.stats()["faults"]["injected"]["busy"] == 6


def test_wrong_credentials_are_named(cloud_emulator, clip, tmp_path, monkeypatch):
    cloud_emulator()
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "wrong")
    with pytest.raises(MatteboxError) as err:
        api.run("body", clip, tmp_path / "x.mkv", backend="aliyun")
    assert err.value.code == "SignatureDoesNotMatch"
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAInobody")
    with pytest.raises(MatteboxError) as err:
        api.run("body", clip, tmp_path / "x.mkv", backend="aliyun")
    assert err.value.code == "InvalidAccessKeyId.NotFound"


@pytest.mark.parametrize("fault,status,code", [("process_failed", "PROCESS_FAILED", "InternalServerError.Algo"),
                                               ("timeout_failed", "TIMEOUT_FAILED", "InternalServerError")])
def test_failed_jobs_end_in_the_services_status_and_resume_resubmits(cloud_emulator, clip, tmp_path, fault, status, code):
    emu = cloud_emulator()
    emu.set_faults([f"{fault}:1x"])
    with pytest.raises(MatteboxError) as err:
        api.run("body", clip, tmp_path / "x.mkv", backend="aliyun")
    assert err.value.code == code and err.value.request_id and "--backend onnx" in err.value.hint
    job = JobStore().list(limit=1)[0]
    assert job.status.value == status and job.remote["chunks"][0]["state"] == "failed"
    done = api.resume(job.id)  # the service failed it, so submitting it again is right
    assert done.status.value == "PROCESS_SUCCESS"
    assert list(emu.stats()["submissions"].values()) == [2]
    assert read_matte_indices(str(tmp_path / "x.mkv")) == list(range(10))


def test_limit_retry_failed_is_resubmitted_up_to_the_limit(cloud_emulator, clip, tmp_path):
    emu = cloud_emulator()
    emu.set_faults(["limit_retry_failed:2x"])
    job = api.run("body", clip, tmp_path / "x.mkv", backend="aliyun")
    assert job.remote["chunks"][0]["auto_resubmits"] == 2 and len(job.remote["chunks"][0]["request_ids"]) == 3
    assert list(emu.stats()["submissions"].values()) == [3]
    emu.set_faults(["limit_retry_failed:3x"])
    with pytest.raises(MatteboxError):
        api.run("body", clip, tmp_path / "y.mkv", backend="aliyun", options={"resubmit": "1"})
    assert JobStore().list(limit=1)[0].status.value == "LIMIT_RETRY_FAILED"


def test_an_expired_result_is_reported_and_resume_recovers(cloud_emulator, clip, tmp_path):
    emu = cloud_emulator(result_ttl_s=-1)  # results expire at once: as if the laptop slept 30 minutes
    with pytest.raises(MatteboxError) as err:
        api.run("body", clip, tmp_path / "x.mkv", backend="aliyun")
    assert err.value.code == "Result.Expired" and "30 minutes" in err.value.message and "resume" in err.value.hint
    job = JobStore().list(limit=1)[0]
    assert job.remote["chunks"][0]["state"] == "expired"
    emu.jobs.result_ttl_s = 1800
    assert api.resume(job.id).status.value == "PROCESS_SUCCESS"


def test_an_action_the_service_dropped_points_to_the_local_backend(cloud_emulator, clip, tmp_path):
    cloud_emulator(offered={"SegmentVideoBody"})
    with pytest.raises(MatteboxError) as err:
        api.run("greenscreen", clip, tmp_path / "x.mkv", backend="aliyun")
    assert err.value.code == "InvalidAction.NotFound"
    assert "SegmentGreenScreenVideo" in err.value.message and err.value.hint == "use the local backend: --backend keyer"


def test_a_storm_of_faults_still_ends_in_success(cloud_emulator, tmp_path):
    emu = cloud_emulator(workers=3)
    emu.faults.slow_s = 0.2
    emu.set_faults(["busy:0.2", "throttling:0.1", "disconnect:0.15@GetAsyncJobResult,AuthorizeFileUpload", "slow:0.05",
                    "drop:0.4", "oss_disconnect:0.2"])
    clip = make_clip(str(tmp_path / "long.mp4"), frames=2500, width=64, height=48)
    job = api.run("body", clip, tmp_path / "x.mkv", backend="aliyun")
    assert read_matte_indices(str(tmp_path / "x.mkv")) == [i % 256 for i in range(2500)]
    assert sorted(emu.stats()["submissions"].values()) == [1, 1]
    assert emu.stats()["faults"]["total_injected"] >= 3
    assert all(c["submits"] == 1 for c in job.remote["chunks"])
