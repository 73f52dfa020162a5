"""Result downloads: streamed, resumed with Range where a connection dropped (never restarted), an
expired URL reported as ``Result.Expired``, a vanished object as ``InvalidFile.Download``."""

from __future__ import annotations

import os
import time

import pytest
import requests

from mattebox.errors import MatteboxError
from mattebox_aliyun.client import RetryPolicy
from mattebox_aliyun.download import download
from mattebox_aliyun.emulator.oss import sign_object_url

FAST = RetryPolicy(attempts=5, base_s=0.01, cap_s=0.02)


def _url(emulator, key: str, ttl: int = 60) -> str:
    return sign_object_url(emulator.url, "results", key, emulator.platform, int(time.time()) + ttl)


def test_dropped_downloads_resume_where_they_stopped(emulator, tmp_path):
    data = os.urandom(3_000_000)
    emulator.store.put("results", "r.mp4", data)
    emulator.set_faults(["drop:2x"])
    seen: list[int] = []
    path = tmp_path / "r.mp4"
    size = download(requests.Session(), _url(emulator, "r.mp4"), str(path), retry=FAST, progress=lambda done, total: seen.append(done))
    assert size == len(data) and path.read_bytes() == data and not (tmp_path / "r.mp4.part").exists()
    assert emulator.stats()["faults"]["injected"] == {"drop": 2}
    assert seen == sorted(seen) and seen[-1] == len(data)  # never started over: each attempt continued from its offset
    assert len(seen) < 2 * (len(data) // (1 << 20) + 1) + 4


def test_expired_and_missing_results(emulator, tmp_path):
    emulator.store.put("results", "r.mp4", b"x" * 1000)
    with pytest.raises(MatteboxError) as err:
        download(requests.Session(), _url(emulator, "r.mp4", ttl=-1), str(tmp_path / "a.mp4"), what="chunk 2/3", retry=FAST)
    assert err.value.code == "Result.Expired" and "chunk 2/3" in err.value.message and "jobs resume" in err.value.hint
    with pytest.raises(MatteboxError) as err:
        download(requests.Session(), _url(emulator, "gone.mp4"), str(tmp_path / "b.mp4"), retry=FAST)
    assert err.value.code == "InvalidFile.Download"
