"""``mattebox emulate aliyun`` as a real process: it prints its address, serves signed calls, takes
faults on its command line and through its control endpoint, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import requests
from aliyun_helpers import call_v3


def test_emulate_command_serves_until_terminated(tmp_path, models_env):
    env = dict(os.environ, MATTEBOX_HOME=str(tmp_path / "home"), PYTHONUNBUFFERED="1")
    env.pop("ALIBABA_CLOUD_ACCESS_KEY_SECRET", None)
    proc = subprocess.Popen([sys.executable, "-m", "mattebox.cli.main", "emulate", "aliyun", "--port", "0",
                             "--access-key-id", "CLIKEY", "--access-key-secret", "CLISECRET", "--fault", "busy:1x",
                             "--drop-action", "SegmentHalfBody", "--engine", "luma"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert line.startswith("aliyun emulator listening on http://127.0.0.1:"), line + proc.stderr.read()
        url = line.split()[-1]
        busy = call_v3(url, "GetAsyncJobResult", {"JobId": "j"}, "CLIKEY", "CLISECRET")
        assert busy.json()["Code"] == "InternalServerError.Busy"
        assert call_v3(url, "GetAsyncJobResult", {"JobId": "j"}, "CLIKEY", "CLISECRET").json()["Code"] == "InvalidParameter"
        assert call_v3(url, "SegmentHalfBody", {"VideoUrl": url + "/b/k.mp4"}, "CLIKEY", "CLISECRET").json()["Code"] == "InvalidAction.NotFound"
        changed = requests.post(url + "/_emulator/faults", json={"rules": ["throttling:1x"]}, timeout=10).json()
        assert changed["rules"][0]["kind"] == "throttling"
        assert call_v3(url, "GetAsyncJobResult", {"JobId": "j"}, "CLIKEY", "CLISECRET").json()["Code"] == "Throttling"
        stats = requests.get(url + "/_emulator/stats", timeout=10).json()
        assert stats["faults"]["injected"] == {"busy": 1, "throttling": 1}
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "CLISECRET" not in out + err


def test_emulate_command_needs_a_key(tmp_path):
    env = dict(os.environ, MATTEBOX_HOME=str(tmp_path / "home"))
    env.pop("ALIBABA_CLOUD_ACCESS_KEY_ID", None)
    env.pop("ALIBABA_CLOUD_ACCESS_KEY_SECRET", None)
    done = subprocess.run([sys.executable, "-m", "mattebox.cli.main", "emulate", "aliyun", "--port", "0"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("MissingParameter:")
    bad = subprocess.run([sys.executable, "-m", "mattebox.cli.main", "emulate", "aliyun", "--port", "0", "--access-key-id", "a",
                          "--access-key-secret", "b", "--fault", "meteor:0.5"], capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 2 and "unknown fault 'meteor'" in bad.stderr
