"""The runtime process's allocator settings: frame-sized arrays freed and allocated again from worker
threads reuse their pages (few page faults), where glibc's defaults fault them in afresh."""

from __future__ import annotations

import json
import platform
import subprocess
import sys

import pytest

_CHURN = r"""
import json, resource, sys, threading
import numpy as np
from mattebox.allocator import tune_allocator

tuned = tune_allocator() if sys.argv[1] == "tuned" else False

def frames(n):
    for _ in range(n):  # what a keyer worker does per frame: a few large temporaries, written, freed
        a = np.empty((1080, 1920), np.float32); a.fill(1.0)
        b = np.empty((540, 960, 3), np.float32); b.fill(2.0)
        c = a * 2.0
        del a, b, c

def in_thread(n):
    t = threading.Thread(target=frames, args=(n,)); t.start(); t.join()

in_thread(3)  # warm up (first use of the memory faults in either way)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
in_thread(20)
faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20
print(json.dumps({"tuned": tuned, "faults_per_frame": faults}))
"""


def _churn(mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHURN, mode], capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc's mallopt")
def test_tuned_allocator_reuses_frame_memory_in_worker_threads():
    default = _churn("default")
    tuned = _churn("tuned")
    assert tuned["tuned"] is True
    # 8 + 6 + 8 MB per frame: thousands of 4 KB pages (or a dozen 2 MB huge pages) when faulted afresh
    assert default["faults_per_frame"] >= 10, default
    assert tuned["faults_per_frame"] <= 0.2 * default["faults_per_frame"], (default, tuned)


def test_tuning_is_done_once_and_reports_the_same():
    from mattebox.allocator import tune_allocator

    assert tune_allocator() is tune_allocator()


def test_the_cli_tunes_its_own_process(monkeypatch):
    from mattebox.cli import main as cli_main

    calls = []
    monkeypatch.setattr(cli_main, "tune_allocator", lambda: calls.append(1) or True)
    with pytest.raises(SystemExit):
        cli_main.main(["--version"])
    assert calls == [1]
