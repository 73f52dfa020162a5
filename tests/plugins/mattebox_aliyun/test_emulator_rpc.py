"""The emulator's RPC API: signatures in both styles, nonces, timestamps, JSON/XML, the actions'
input checks with the service's codes, dropped actions and injected faults."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest
from aliyun_helpers import call_v1, call_v3, upload
from aliyun_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET

from mattebox_aliyun.signing import utc_timestamp

KEY = dict(key_id=ACCESS_KEY_ID, secret=ACCESS_KEY_SECRET)


def _get_job(emulator, job_id: str, style=call_v3):
    return style(emulator.url, "GetAsyncJobResult", {"JobId": job_id}, **KEY)


@pytest.mark.parametrize("style", [call_v1, call_v3])
def test_signature_failures_use_the_services_codes(emulator, style):
    ok = _get_job(emulator, "no-such-job", style)
    assert ok.status_code == 400 and ok.json()["Code"] == "InvalidParameter"  # signed fine; the job is unknown

    bad = style(emulator.url, "GetAsyncJobResult", {"JobId": "x"}, **KEY, sign_secret="wrong-secret")
    assert (bad.status_code, bad.json()["Code"]) == (400, "SignatureDoesNotMatch")
    assert bad.json()["RequestId"] and bad.json()["HostId"]

    unknown = style(emulator.url, "GetAsyncJobResult", {"JobId": "x"}, key_id="LTAInobody", secret="s")
    assert (unknown.status_code, unknown.json()["Code"]) == (404, "InvalidAccessKeyId.NotFound")


def test_reused_nonce_and_stale_timestamps_are_refused_in_both_styles(emulator):
    first = call_v1(emulator.url, "GetAsyncJobResult", {"JobId": "x"}, **KEY, nonce="nonce-1")
    assert first.json()["Code"] == "InvalidParameter"
    again = call_v1(emulator.url, "GetAsyncJobResult", {"JobId": "x"}, **KEY, nonce="nonce-1")
    assert again.json()["Code"] == "SignatureNonceUsed"
    v3_first = call_v3(emulator.url, "GetAsyncJobResult", {"JobId": "x"}, **KEY, nonce="nonce-2")
    assert v3_first.json()["Code"] == "InvalidParameter"
    v3_again = call_v3(emulator.url, "GetAsyncJobResult", {"JobId": "x"}, **KEY, nonce="nonce-2")
    assert v3_again.json()["Code"] == "SignatureNonceUsed"

    stale = utc_timestamp(time.time() - 3600)
    assert call_v1(emulator.url, "GetAsyncJobResult", {"JobId": "x"}, **KEY, timestamp=stale).json()["Code"] == "InvalidTimeStamp.Expired"
    assert call_v3(emulator.url, "GetAsyncJobResult", {"JobId": "x"}, **KEY, date=stale).json()["Code"] == "InvalidTimeStamp.Expired"


def test_v3_body_tampering_and_v1_query_style(emulator):
    tampered = call_v3(emulator.url, "GetAsyncJobResult", {"JobId": "x"}, **KEY, body_override=b"JobId=y")
    assert tampered.json()["Code"] == "SignatureDoesNotMatch"
    via_get = call_v1(emulator.url, "GetAsyncJobResult", {"JobId": "ü/ +*~"}, **KEY, method="GET")
    assert via_get.json()["Code"] == "InvalidParameter" and "ü/ +*~" in via_get.json()["Message"]


def test_xml_answers_for_errors_and_results(emulator, small_clip):
    err = call_v1(emulator.url, "GetAsyncJobResult", {"JobId": "x"}, **KEY, fmt="XML")
    root = ET.fromstring(err.content)
    assert root.tag == "Error" and root.findtext("Code") == "InvalidParameter" and root.findtext("RequestId")
    url = upload(emulator, small_clip, "a.mp4", **KEY)
    sub = call_v3(emulator.url, "SegmentVideoBody", {"VideoUrl": url}, **KEY, accept="application/xml")
    root = ET.fromstring(sub.content)
    assert root.tag == "SegmentVideoBodyResponse" and root.findtext("RequestId")
    res = call_v1(emulator.url, "GetAsyncJobResult", {"JobId": root.findtext("RequestId")}, **KEY, fmt="XML")
    assert ET.fromstring(res.content).findtext("Data/Status") in ("QUEUING", "PROCESSING", "PROCESS_SUCCESS")


def _submit(emulator, url, action="SegmentVideoBody", param="VideoUrl"):
    return call_v3(emulator.url, action, {param: url}, **KEY)


def test_input_urls_are_checked_like_the_service(emulator, small_clip):
    signed = upload(emulator, small_clip, "clip.mp4", **KEY)
    assert _submit(emulator, "http://other-bucket.oss-cn-beijing.aliyuncs.com/clip.mp4").json()["Code"] == "InvalidFile.Region"
    assert _submit(emulator, emulator.url + "/user-bucket/视频.mp4").json()["Code"] == "InvalidFile.URL"
    assert _submit(emulator, "ftp://somewhere/clip.mp4").json()["Code"] == "InvalidFile.URL"
    assert _submit(emulator, emulator.url + "/user-bucket/missing.mp4").json()["Code"] == "InvalidFile.Download"
    unsigned = _submit(emulator, signed.split("?")[0])  # a private object without a signature cannot be downloaded
    assert unsigned.json()["Code"] == "InvalidFile.Download"
    assert _submit(emulator, signed.replace("Signature=", "Signature=x")).json()["Code"] == "InvalidFile.Download"
    missing = call_v3(emulator.url, "SegmentVideoBody", {}, **KEY)
    assert (missing.status_code, missing.json()["Code"]) == (400, "MissingParameter")
    assert _submit(emulator, signed).status_code == 200
    assert emulator.stats()["submissions"] == {"user-bucket/clip.mp4": 1}


def test_action_limits_are_enforced_with_the_services_codes(emulator, tmp_path):
    from media_factory import make_clip

    mkv = make_clip(str(tmp_path / "c.mkv"), frames=5, width=160, height=120, container="matroska")
    r = _submit(emulator, upload(emulator, mkv, "c.mkv", **KEY))
    assert r.json()["Code"] == "InvalidFile.Type"  # body takes MP4, AVI, FLV, MOV
    long_clip = make_clip(str(tmp_path / "long.mp4"), frames=2001, width=64, height=48)
    r = _submit(emulator, upload(emulator, long_clip, "long.mp4", **KEY))
    assert r.json()["Code"] == "InvalidFile.Content" and "2001 frames" in r.json()["Message"]
    tiny = make_clip(str(tmp_path / "tiny.mp4"), frames=5, width=96, height=96)
    assert _submit(emulator, upload(emulator, tiny, "tiny.mp4", **KEY), "SegmentHalfBody").json()["Code"] == "InvalidFile.Resolution"
    r = _submit(emulator, upload(emulator, tiny, "tiny.mp4", **KEY), "SegmentGreenScreenVideo", "VideoURL")
    assert r.status_code == 200  # 96×96 is within green screen's 75..2000
    big = make_clip(str(tmp_path / "big.mp4"), frames=2, width=2048, height=128)
    r = _submit(emulator, upload(emulator, big, "big.mp4", **KEY), "SegmentGreenScreenVideo", "VideoURL")
    assert r.json()["Code"] == "InvalidFile.Resolution"
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x13" * 4000)
    assert _submit(emulator, upload(emulator, str(garbage), "garbage.mp4", **KEY)).json()["Code"] == "InvalidFile.Decode"
    # none of the refused calls became a job
    assert set(emulator.stats()["submissions"]) == {"user-bucket/tiny.mp4"}


def test_a_dropped_action_answers_invalid_action(emulator_factory, small_clip):
    emu = emulator_factory(offered={"SegmentVideoBody"})
    url = upload(emu, small_clip, "a.mp4", **KEY)
    r = _submit(emu, url, "SegmentHalfBody")
    assert (r.status_code, r.json()["Code"]) == (404, "InvalidAction.NotFound")
    assert _submit(emu, url).status_code == 200


def test_injected_rpc_faults(emulator_factory):
    from mattebox_aliyun.emulator import FaultPlan, FaultRule

    emu = emulator_factory(faults=FaultPlan([FaultRule("busy", count=1), FaultRule("throttling", count=1)], slow_s=0.3))
    first = _get_job(emu, "x")
    assert (first.status_code, first.json()["Code"]) == (500, "InternalServerError.Busy")
    second = _get_job(emu, "x")
    assert (second.status_code, second.json()["Code"]) == (400, "Throttling")
    assert _get_job(emu, "x").json()["Code"] == "InvalidParameter"
    emu.set_faults(["slow:1x"])
    t0 = time.monotonic()
    assert _get_job(emu, "x").json()["Code"] == "InvalidParameter"
    assert time.monotonic() - t0 >= 0.3
    emu.set_faults(["disconnect:1x"])
    import requests

    with pytest.raises(requests.ConnectionError):
        _get_job(emu, "x")
    assert emu.stats()["faults"]["injected"] == {"busy": 1, "throttling": 1, "slow": 1, "disconnect": 1}


@pytest.mark.parametrize("fault,status", [("process_failed", "PROCESS_FAILED"), ("timeout_failed", "TIMEOUT_FAILED"),
                                          ("limit_retry_failed", "LIMIT_RETRY_FAILED")])
def test_injected_job_outcomes(emulator_factory, small_clip, fault, status):
    emu = emulator_factory()
    emu.set_faults([f"{fault}:1x"])
    url = upload(emu, small_clip, "a.mp4", **KEY)
    job_id = _submit(emu, url).json()["RequestId"]
    deadline = time.monotonic() + 30
    while (data := _get_job(emu, job_id).json()["Data"])["Status"] in ("QUEUING", "PROCESSING") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert data["Status"] == status and data["ErrorCode"] and "Result" not in data
