"""The RPC client against the emulator: both signatures, JSON and XML, errors with code and
RequestId, retries with backoff on what is retryable and never on other 4xx, submissions that are
never blindly repeated, and a secret that never reaches a log line."""

from __future__ import annotations

import logging
import socket

import pytest
from aliyun_helpers import upload
from aliyun_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET

from mattebox.errors import MatteboxError
from mattebox_aliyun.client import UNCERTAIN, RetryPolicy, RpcClient
from mattebox_aliyun.credentials import Credentials

CREDS = Credentials(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
FAST = RetryPolicy(attempts=5, base_s=0.01, cap_s=0.05)


@pytest.mark.parametrize("signature,fmt", [("v3", "JSON"), ("v1", "JSON"), ("v3", "XML"), ("v1", "XML")])
def test_submit_and_poll_in_every_style(emulator, small_clip, signature, fmt):
    client = RpcClient(CREDS, signature=signature, fmt=fmt, retry=FAST)
    url = upload(emulator, small_clip, "a.mp4", key_id=ACCESS_KEY_ID, secret=ACCESS_KEY_SECRET)
    answer = client.call(emulator.url, "SegmentVideoBody", "2020-03-20", {"VideoUrl": url}, idempotent=False)
    job = client.call(emulator.url, "GetAsyncJobResult", "2020-03-20", {"JobId": answer["RequestId"]})
    assert job["Data"]["JobId"] == answer["RequestId"]
    assert job["Data"]["Status"] in ("QUEUING", "PROCESSING", "PROCESS_SUCCESS")


@pytest.mark.parametrize("fmt", ["JSON", "XML"])
def test_errors_carry_code_message_and_request_id(emulator, fmt):
    client = RpcClient(CREDS, fmt=fmt, retry=FAST)
    with pytest.raises(MatteboxError) as err:
        client.call(emulator.url, "SegmentVideoBody", "2020-03-20", {"VideoUrl": "http://elsewhere.example.com/a.mp4"}, idempotent=False)
    assert err.value.code == "InvalidFile.Region"
    assert err.value.message.startswith("SegmentVideoBody: ") and "cn-shanghai" in err.value.message
    assert err.value.request_id and len(err.value.request_id) == 36
    assert client.stats == {"calls": 1, "retries": 0}  # a 4xx is never retried


def test_busy_and_throttling_are_retried_with_backoff(emulator):
    emulator.set_faults(["busy:2x", "throttling:1x"])
    client = RpcClient(CREDS, retry=FAST)
    with pytest.raises(MatteboxError) as err:
        client.call(emulator.url, "GetAsyncJobResult", "2020-03-20", {"JobId": "none"})
    assert err.value.code == "InvalidParameter"  # the real answer, after three retried faults
    assert client.stats == {"calls": 4, "retries": 3}

    emulator.set_faults(["busy:1.0"])
    with pytest.raises(MatteboxError) as err:
        client.call(emulator.url, "GetAsyncJobResult", "2020-03-20", {"JobId": "none"})
    assert err.value.code == "InternalServerError.Busy"  # gave up after the policy's attempts
    assert client.stats["calls"] == 4 + FAST.attempts


def test_backoff_is_exponential_with_full_jitter():
    import random

    policy = RetryPolicy(attempts=8, base_s=0.5, cap_s=4.0)
    rng = random.Random(1)
    for attempt in range(1, 8):
        bound = min(4.0, 0.5 * 2 ** attempt)
        samples = [policy.delay(attempt, rng) for _ in range(200)]
        assert all(0 <= s <= bound for s in samples)
        assert max(samples) > 0.8 * bound and min(samples) < 0.2 * bound


def test_connection_refused_is_retried_then_reported():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    client = RpcClient(CREDS, retry=FAST)
    with pytest.raises(MatteboxError) as err:
        client.call(f"http://127.0.0.1:{port}", "SegmentVideoBody", "2020-03-20", {"VideoUrl": "x"}, idempotent=False)
    assert err.value.code == "InternalServerError" and "cannot reach" in err.value.message
    assert client.stats["calls"] == FAST.attempts  # never sent, so even a submission may be retried


def test_a_submission_whose_connection_drops_is_not_repeated(emulator):
    emulator.set_faults(["disconnect:1x"])
    client = RpcClient(CREDS, retry=FAST)
    with pytest.raises(MatteboxError) as err:
        client.call(emulator.url, "SegmentVideoBody", "2020-03-20", {"VideoUrl": "x"}, idempotent=False)
    assert err.value.code == UNCERTAIN and "may have accepted" in err.value.message
    assert client.stats["calls"] == 1
    emulator.set_faults(["disconnect:1x"])
    with pytest.raises(MatteboxError) as err:  # a status query is safe to repeat
        client.call(emulator.url, "GetAsyncJobResult", "2020-03-20", {"JobId": "none"})
    assert err.value.code == "InvalidParameter" and client.stats["calls"] == 3


def test_the_secret_never_reaches_logs_or_errors(emulator, caplog, small_clip):
    caplog.set_level(logging.DEBUG)
    emulator.set_faults(["busy:1x"])
    for signature in ("v1", "v3"):
        client = RpcClient(Credentials(ACCESS_KEY_ID, ACCESS_KEY_SECRET, "token-not-for-logs"), signature=signature, retry=FAST)
        with pytest.raises(MatteboxError) as err:
            client.call(emulator.url, "GetAsyncJobResult", "2020-03-20", {"JobId": "none"})
        text = err.value.user_text() + repr(err.value.to_dict())
        assert ACCESS_KEY_SECRET not in text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "retry" in logged
    assert ACCESS_KEY_SECRET not in logged and "token-not-for-logs" not in logged
