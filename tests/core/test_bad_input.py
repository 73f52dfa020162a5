"""Bad input through the real CLI: each case gets its videoseg code, a non-zero exit status, no
traceback, and leaves no output behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from fractions import Fraction

import av
import pytest
from cli_helpers import cli_env, mattebox_cmd, run_cli
from media_factory import make_clip


def _assert_clean_failure(proc, code: str, exit_status: int, out_dir) -> None:
    assert proc.returncode == exit_status, proc.stderr
    assert proc.stderr.startswith(f"{code}: "), proc.stderr
    assert "hint:" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    leftovers = [p for p in os.listdir(out_dir) if p.startswith(("out", ".out"))]
    assert not leftovers, f"output left behind: {leftovers}"


def _run(home, src, out_dir, *extra):
    return run_cli(home, "run", "greenscreen", str(src), "-o", str(out_dir / "out.mov"), "--output", "keyed", "--backend", "index", *extra)


@pytest.fixture
def good_clip(tmp_path):
    return make_clip(str(tmp_path / "good.mp4"), frames=12, width=96, height=64)


def test_empty_file(tmp_path, mattebox_home):
    src = tmp_path / "empty.mp4"
    src.write_bytes(b"")
    _assert_clean_failure(_run(mattebox_home, src, tmp_path), "InvalidFile.Content", 3, tmp_path)


def test_not_a_video(tmp_path, mattebox_home):
    src = tmp_path / "notes.mp4"
    src.write_text("these are my notes, not a video\n" * 50)
    _assert_clean_failure(_run(mattebox_home, src, tmp_path), "InvalidFile.Type", 3, tmp_path)


def test_truncated_file_without_index(tmp_path, mattebox_home, good_clip):
    data = open(good_clip, "rb").read()
    src = tmp_path / "cut.mp4"
    src.write_bytes(data[: len(data) // 2])  # the index (moov) is at the end: gone
    proc = _run(mattebox_home, src, tmp_path)
    _assert_clean_failure(proc, "InvalidFile.Decode", 3, tmp_path)
    assert "truncated" in proc.stderr


def test_truncated_file_with_index_first(tmp_path, mattebox_home):
    full = tmp_path / "fast.mp4"
    with av.open(str(full), "w", options={"movflags": "faststart"}) as out:
        s = out.add_stream("libx264", rate=25)
        s.width, s.height, s.pix_fmt, s.options = 96, 64, "yuv420p", {"preset": "ultrafast", "crf": "0"}
        import numpy as np

        rng = np.random.default_rng(1)
        for _ in range(40):
            for p in s.encode(av.VideoFrame.from_ndarray(rng.integers(0, 255, (64, 96, 3), dtype=np.uint8), format="rgb24")):
                out.mux(p)
        for p in s.encode(None):
            out.mux(p)
    data = full.read_bytes()
    src = tmp_path / "cut_fast.mp4"
    src.write_bytes(data[: int(len(data) * 0.6)])
    proc = _run(mattebox_home, src, tmp_path)
    _assert_clean_failure(proc, "InvalidFile.Decode", 3, tmp_path)
    assert "ends early" in proc.stderr or "decoding failed" in proc.stderr


def test_audio_only(tmp_path, mattebox_home):
    src = str(tmp_path / "tone.m4a")
    import numpy as np

    with av.open(src, "w", format="mp4") as out:
        a = out.add_stream("aac", rate=48000)
        a.layout = "mono"
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        frame.sample_rate = 48000
        for i in range(10):
            frame.pts = i * 1024
            for p in a.encode(frame):
                out.mux(p)
        for p in a.encode(None):
            out.mux(p)
    proc = _run(mattebox_home, src, tmp_path)
    _assert_clean_failure(proc, "InvalidFile.Type", 3, tmp_path)
    assert "audio only" in proc.stderr


def test_zero_frames(tmp_path, mattebox_home):
    src = str(tmp_path / "zero.mkv")
    with av.open(src, "w") as out:
        s = out.add_stream("ffv1", rate=25)
        s.width, s.height, s.pix_fmt = 64, 64, "yuv420p"
        out.start_encoding()
    proc = _run(mattebox_home, src, tmp_path)
    _assert_clean_failure(proc, "InvalidFile.Content", 3, tmp_path)


def test_resolution_outside_the_limits(tmp_path, mattebox_home):
    src = make_clip(str(tmp_path / "tiny.mp4"), frames=3, width=6, height=6, codec="ffv1", pix_fmt="yuv444p", container="matroska")
    proc = _run(mattebox_home, src, tmp_path)
    _assert_clean_failure(proc, "InvalidFile.Resolution", 3, tmp_path)
    assert "6x6" in proc.stderr


def test_unknown_codec(tmp_path, mattebox_home):
    good = make_clip(str(tmp_path / "ffv1.mkv"), frames=3, width=64, height=64, codec="ffv1", pix_fmt="yuv444p", container="matroska")
    data = open(good, "rb").read()
    assert data.count(b"V_FFV1") == 1
    src = tmp_path / "unknown.mkv"
    src.write_bytes(data.replace(b"V_FFV1", b"V_QZQZ"))
    proc = _run(mattebox_home, src, tmp_path)
    _assert_clean_failure(proc, "InvalidFile.Decode", 3, tmp_path)
    assert "codec" in proc.stderr


def test_missing_input(tmp_path, mattebox_home):
    _assert_clean_failure(_run(mattebox_home, tmp_path / "nope.mp4", tmp_path), "InvalidFile.Download", 3, tmp_path)


def test_output_folder_missing(tmp_path, mattebox_home, good_clip):
    proc = run_cli(mattebox_home, "run", "greenscreen", good_clip, "-o", str(tmp_path / "no such dir" / "out.mov"), "--backend", "index")
    _assert_clean_failure(proc, "InvalidOutput.Path", 2, tmp_path)
    assert "does not exist" in proc.stderr


def _in_private_mount(home, tmp_path, mount_opts: str, *cli_args: str) -> subprocess.CompletedProcess:
    """Run the CLI with a tiny tmpfs mounted at tmp_path/mnt, in a private mount namespace."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    cmd = " ".join(["mount", "-t", "tmpfs", "-o", mount_opts, "tmpfs", str(mnt), "&&", "exec"] + [f"'{a}'" for a in mattebox_cmd(*cli_args)])
    unshare = shutil.which("unshare")
    assert unshare, "util-linux's unshare is needed for the disk-full and read-only tests"
    prefix = [unshare, "-m"] if os.geteuid() == 0 else [unshare, "-rm"]
    return subprocess.run(prefix + ["sh", "-c", cmd], env=cli_env(home), capture_output=True, text=True, timeout=120)


def test_output_folder_not_writable(tmp_path, mattebox_home, good_clip):
    proc = _in_private_mount(mattebox_home, tmp_path, "ro,size=64k", "run", "greenscreen", good_clip, "-o", str(tmp_path / "mnt" / "out.mov"), "--backend", "index")
    _assert_clean_failure(proc, "InvalidOutput.Path", 2, tmp_path)
    assert "not writable" in proc.stderr


def test_disk_full_while_writing(tmp_path, mattebox_home):
    src = make_clip(str(tmp_path / "big.mp4"), frames=30, width=320, height=240)
    proc = _in_private_mount(mattebox_home, tmp_path, "size=96k", "run", "greenscreen", src, "-o", str(tmp_path / "mnt" / "out.mov"), "--output", "keyed", "--backend", "index")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("InvalidOutput.DiskFull: "), proc.stderr
    assert "Traceback" not in proc.stderr
    # the job is recorded as failed with that code (the mount is gone, and with it any partial file)
    jobs = json.loads(run_cli(mattebox_home, "jobs", "list", "--json").stdout)
    assert jobs[0]["status"] == "PROCESS_FAILED" and jobs[0]["error"]["code"] == "InvalidOutput.DiskFull"


def test_ctrl_c_midway_cancels_cleanly(tmp_path, mattebox_home):
    src = make_clip(str(tmp_path / "long.mp4"), frames=200, width=96, height=64)
    out_dir = tmp_path / "out dir ü"
    out_dir.mkdir()
    proc = subprocess.Popen(
        mattebox_cmd("run", "greenscreen", src, "-o", str(out_dir / "out.mov"), "--output", "keyed", "--backend", "index", "--delay", "0.02", "--progress", "json"),
        env=cli_env(mattebox_home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines = []
    for line in proc.stdout:
        lines.append(json.loads(line))
        if lines[-1]["event"] == "progress" and lines[-1].get("stage") == "frames" and lines[-1]["frame"] >= 10:
            proc.send_signal(signal.SIGINT)
            break
    rest, err = proc.communicate(timeout=60)
    lines += [json.loads(x) for x in rest.splitlines() if x.strip()]
    assert proc.returncode == 130, err
    assert err.startswith("Job.Cancelled: "), err
    assert "Traceback" not in err
    assert lines[-1]["event"] == "finished" and lines[-1]["status"] == "CANCELLED"
    assert os.listdir(out_dir) == []
    job = json.loads(run_cli(mattebox_home, "jobs", "show", lines[0]["job"]).stdout)
    assert job["status"] == "CANCELLED" and 10 <= job["frames_done"] < 200


def test_unknown_task_and_backend(tmp_path, mattebox_home, good_clip):
    proc = run_cli(mattebox_home, "run", "torso", good_clip, "-o", str(tmp_path / "out.mkv"))
    assert proc.returncode == 2 and proc.stderr.startswith("InvalidParameter: unknown task 'torso'; choose one of: body, halfbody, greenscreen")
    proc = run_cli(mattebox_home, "run", "greenscreen", good_clip, "-o", str(tmp_path / "out.mkv"), "--backend", "nope")
    assert proc.returncode == 2 and proc.stderr.startswith("Backend.NotFound: no backend named 'nope'; available: ")
    assert "index" in proc.stderr.splitlines()[0]


def test_bad_option_value_names_the_option(tmp_path, mattebox_home, good_clip):
    proc = run_cli(mattebox_home, "run", "greenscreen", good_clip, "-o", str(tmp_path / "out.mkv"), "--backend", "index", "--hold", "many")
    assert proc.returncode == 2
    assert proc.stderr.startswith("InvalidParameter.Format: --hold 'many'")


def test_debug_shows_the_traceback(tmp_path, mattebox_home):
    src = tmp_path / "empty.mp4"
    src.write_bytes(b"")
    proc = run_cli(mattebox_home, "--debug", "run", "greenscreen", str(src), "-o", str(tmp_path / "o.mkv"), "--backend", "index")
    assert proc.returncode == 3 and "Traceback" in proc.stderr
