"""Uploads: the user's own bucket through oss2 (resumable, continued after a dropped connection,
signed URL, deletion) and the platform's temporary upload (AuthorizeFileUpload + PostObject); both
URLs are accepted by the service and stay ASCII whatever the file is called."""

from __future__ import annotations

import os
import shutil

import pytest
from aliyun_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET

from mattebox.errors import MatteboxError
from mattebox_aliyun.client import RetryPolicy, RpcClient
from mattebox_aliyun.credentials import Credentials
from mattebox_aliyun.endpoints import Endpoints
from mattebox_aliyun.upload import OwnBucketUploader, TemporaryUploader

CREDS = Credentials(ACCESS_KEY_ID, ACCESS_KEY_SECRET)


def _accepted(emulator, url: str) -> bool:
    client = RpcClient(CREDS, retry=RetryPolicy(attempts=1))
    answer = client.call(emulator.url, "SegmentVideoBody", "2020-03-20", {"VideoUrl": url}, idempotent=False)
    return bool(answer["RequestId"])


def test_own_bucket_upload_resumes_from_its_checkpoint(emulator, tmp_path, small_clip):
    big = tmp_path / "片段 big.mp4"
    shutil.copy(small_clip, big)
    with open(big, "ab") as fh:  # trailing bytes after the moov: still a valid MP4, now 3 parts long
        fh.write(os.urandom(600_000))
    part = 256 * 1024
    uploader = OwnBucketUploader(CREDS, "my-bucket", Endpoints.resolve(emulator.url), checkpoint_dir=str(tmp_path / "ckpt"),
                                 part_size=part)
    seen: list[int] = []

    def progress(done, total):
        seen.append(done)
        if done >= part and not emulator.faults.rules:
            emulator.set_faults(["oss_disconnect:1x"])  # the network drops after the first part

    uploaded = uploader.upload(str(big), "mattebox/job1/chunk-000.mp4", progress)
    assert emulator.stats()["faults"]["injected"] == {"oss_disconnect": 1}
    stored = emulator.store.get("my-bucket", "mattebox/job1/chunk-000.mp4")
    assert stored is not None and open(stored.path, "rb").read() == big.read_bytes()
    assert uploaded.url.isascii() and "Signature=" in uploaded.url
    assert _accepted(emulator, uploaded.url)
    uploader.delete(uploaded.key)
    assert emulator.store.get("my-bucket", uploaded.key) is None


def test_own_bucket_outside_shanghai_is_refused_before_uploading(tmp_path):
    with pytest.raises(MatteboxError) as err:
        OwnBucketUploader(CREDS, "b", Endpoints.resolve(oss_endpoint="oss-cn-beijing.aliyuncs.com"), checkpoint_dir=str(tmp_path))
    assert err.value.code == "InvalidFile.Region"


def test_own_bucket_with_a_wrong_secret_names_the_problem(emulator, tmp_path, small_clip):
    uploader = OwnBucketUploader(Credentials(ACCESS_KEY_ID, "wrong"), "my-bucket", Endpoints.resolve(emulator.url),
                                 checkpoint_dir=str(tmp_path))
    with pytest.raises(MatteboxError) as err:
        uploader.upload(small_clip, "k.mp4")
    assert err.value.code == "SignatureDoesNotMatch" and "k.mp4" in err.value.message


def test_temporary_upload_needs_no_bucket(emulator, tmp_path, small_clip):
    named = tmp_path / "视频 clip.mp4"
    shutil.copy(small_clip, named)
    rpc = RpcClient(CREDS, retry=RetryPolicy(attempts=3, base_s=0.01, cap_s=0.02))
    emulator.set_faults(["oss_disconnect:1x"])  # the first POST is lost: authorise again and re-post
    uploaded = TemporaryUploader(rpc, Endpoints.resolve(emulator.url)).upload(str(named))
    assert not uploaded.own_bucket and uploaded.url.isascii()
    stored = emulator.store.get(uploaded.bucket, uploaded.key)
    assert stored is not None and stored.platform and open(stored.path, "rb").read() == named.read_bytes()
    assert _accepted(emulator, uploaded.url)
