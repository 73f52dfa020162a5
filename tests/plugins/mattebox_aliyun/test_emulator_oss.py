"""The emulator's OSS: PostObject with policy checks, oss2's PutObject and resumable multipart uploads
(interrupted and continued), signed URLs that expire, Range reads and downloads dropped midway."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time

import oss2
import pytest
import requests
from aliyun_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET


def _post_form(emu, fields: dict, data: bytes, bucket="viapi-customer-temp"):
    files = {**{k: (None, v) for k, v in fields.items()}, "file": ("clip.mp4", data, "video/mp4")}
    return requests.post(f"{emu.url}/{bucket}", files=files, timeout=30)


def _policy(emu, key: str, *, expires_in: float = 600, max_size: int = 1 << 20) -> tuple[str, str]:
    exp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + expires_in))
    encoded = base64.b64encode(json.dumps({"expiration": exp, "conditions": [
        {"bucket": "viapi-customer-temp"}, ["eq", "$key", key], ["content-length-range", 0, max_size]]}).encode()).decode()
    sig = base64.b64encode(hmac.new(emu.platform.secret.encode(), encoded.encode(), hashlib.sha1).digest()).decode()
    return encoded, sig


def test_post_object_checks_signature_and_policy(emulator):
    data = os.urandom(5000)
    policy, sig = _policy(emulator, "upload/a")
    base = {"OSSAccessKeyId": emulator.platform.access_key_id, "policy": policy, "Signature": sig, "key": "upload/a",
            "success_action_status": "201"}
    ok = _post_form(emulator, base, data)
    assert ok.status_code == 201 and "<PostResponse>" in ok.text
    stored = emulator.store.get("viapi-customer-temp", "upload/a")
    assert stored is not None and stored.platform and open(stored.path, "rb").read() == data

    bad_sig = _post_form(emulator, {**base, "Signature": base64.b64encode(b"x" * 20).decode()}, data)
    assert bad_sig.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in bad_sig.text
    wrong_key = _post_form(emulator, {**base, "key": "upload/b"}, data)
    assert wrong_key.status_code == 403 and "Policy Condition failed" in wrong_key.text
    expired_policy, expired_sig = _policy(emulator, "upload/a", expires_in=-5)
    expired = _post_form(emulator, {**base, "policy": expired_policy, "Signature": expired_sig}, data)
    assert expired.status_code == 403 and "Policy expired" in expired.text
    small_policy, small_sig = _policy(emulator, "upload/a", max_size=100)
    too_big = _post_form(emulator, {**base, "policy": small_policy, "Signature": small_sig}, data)
    assert too_big.status_code == 400 and "<Code>EntityTooLarge</Code>" in too_big.text


def test_oss2_put_get_range_and_signature_checks(emulator):
    bucket = oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), emulator.url, "mine")
    data = os.urandom(300_000)
    bucket.put_object("a/b c.bin", data)  # oss2 checks the CRC-64 the emulator reports
    assert bucket.get_object("a/b c.bin").read() == data
    assert bucket.get_object("a/b c.bin", byte_range=(1000, 1999)).read() == data[1000:2000]
    assert bucket.head_object("a/b c.bin").content_length == len(data)
    wrong = oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, "wrong"), emulator.url, "mine")
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch):
        wrong.get_object("a/b c.bin")
    bucket.delete_object("a/b c.bin")
    with pytest.raises(oss2.exceptions.NoSuchKey):
        bucket.get_object("a/b c.bin")


def test_resumable_upload_continues_after_a_dropped_connection(emulator, tmp_path):
    bucket = oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), emulator.url, "mine")
    src = tmp_path / "big.bin"
    data = os.urandom(1_000_000)
    src.write_bytes(data)
    store = oss2.ResumableStore(root=str(tmp_path / "checkpoints"))
    part = 200 * 1024

    def cut_after_two_parts(consumed, total):
        if consumed >= 2 * part and not emulator.faults.rules:
            emulator.set_faults(["oss_disconnect:1x"])

    with pytest.raises(oss2.exceptions.RequestError):
        oss2.resumable_upload(bucket, "big.bin", str(src), store=store, multipart_threshold=part, part_size=part,
                              num_threads=1, progress_callback=cut_after_two_parts)
    uploads = emulator.store.uploads()
    assert len(uploads) == 1 and len(uploads[0].parts) == 2  # two parts made it before the connection dropped
    assert emulator.store.get("mine", "big.bin") is None

    seen = []
    oss2.resumable_upload(bucket, "big.bin", str(src), store=store, multipart_threshold=part, part_size=part, num_threads=1,
                          progress_callback=lambda consumed, total: seen.append(consumed))
    assert seen[0] >= 2 * part  # it started after the parts already uploaded
    assert bucket.get_object("big.bin").read() == data
    assert emulator.stats()["faults"]["injected"] == {"oss_disconnect": 1}


def test_result_urls_expire(emulator):
    from mattebox_aliyun.emulator.oss import sign_object_url

    emulator.store.put("results", "r.mp4", b"0123456789")
    fresh = sign_object_url(emulator.url, "results", "r.mp4", emulator.platform, int(time.time()) + 60)
    assert requests.get(fresh, timeout=10).content == b"0123456789"
    stale = sign_object_url(emulator.url, "results", "r.mp4", emulator.platform, int(time.time()) - 1)
    r = requests.get(stale, timeout=10)
    assert r.status_code == 403 and "<Code>AccessDenied</Code>" in r.text and "Request has expired" in r.text


def test_drop_fault_cuts_a_download_and_range_resumes_it(emulator):
    from mattebox_aliyun.emulator.oss import sign_object_url

    data = os.urandom(1_000_000)
    emulator.store.put("results", "r.mp4", data)
    url = sign_object_url(emulator.url, "results", "r.mp4", emulator.platform, int(time.time()) + 60)
    emulator.set_faults(["drop:1x"])
    got = b""
    with pytest.raises(requests.exceptions.RequestException):
        with requests.get(url, stream=True, timeout=10) as r:
            for block in r.iter_content(65536):
                got += block
    assert 0 < len(got) < len(data)
    rest = requests.get(url, headers={"Range": f"bytes={len(got)}-"}, timeout=10)
    assert rest.status_code == 206 and rest.headers["Content-Range"] == f"bytes {len(got)}-{len(data) - 1}/{len(data)}"
    assert got + rest.content == data
