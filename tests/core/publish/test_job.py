"""A runtime job seen from the host: typed messages, outputs, failures, cancelling, surviving the host."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from mattebox.publish import JobRequest, RuntimeClient
from mattebox.publish.messages import JobFinished, JobProgress, JobStarted, ProcessExited, parse_line
from runtime_wrapper import write_runtime


def _request(tmp_path, clip, **kw):
    kw.setdefault("backend", "index")
    return JobRequest("greenscreen", clip, str(tmp_path / "out" / "keyed.mov"), **kw)


def test_messages_of_a_successful_job(tmp_path, client, clip):
    request = _request(tmp_path, clip, frames=(5, 24), options={"delay": "0.01"})
    os.makedirs(tmp_path / "out")
    job = client.start_job(request)
    seen = []
    assert job.wait(timeout=120, on_message=seen.append)
    kinds = [type(m) for m in seen]
    assert kinds[0] is JobStarted and kinds[-2:] == [JobFinished, ProcessExited]
    frames = [m for m in seen if isinstance(m, JobProgress) and m.stage == "frames"]
    assert frames and [m.frame for m in frames] == sorted(m.frame for m in frames) and frames[-1].frame == 20
    assert all(m.job == request.job_id for m in seen if not isinstance(m, ProcessExited))
    assert job.ok and job.status == "PROCESS_SUCCESS" and job.returncode == 0 and job.error is None
    (output,) = job.outputs
    assert output.kind == "keyed" and output.path == request.output and output.frames == 20 and os.path.isfile(output.path)
    # the progress went to a file beside the output (the host can die without breaking the job's stdout)
    lines = open(request.progress_log).read().splitlines()
    assert [type(parse_line(line)) for line in lines][-1] is JobFinished


def test_image_sequence_output_names_its_files(tmp_path, client, clip):
    os.makedirs(tmp_path / "out")
    request = JobRequest("body", clip, str(tmp_path / "out" / "m_%04d.png"), kind="matte", backend="index", frames=(3, 7))
    job = client.start_job(request)
    job.wait(timeout=120)
    (output,) = job.outputs
    assert output.is_sequence and output.first_number == 3 and output.frames == 5
    assert [os.path.basename(output.file_for(i)) for i in range(5)] == [f"m_{n:04d}.png" for n in range(3, 8)]
    assert all(os.path.isfile(output.file_for(i)) for i in range(5))


def test_a_failing_job_reports_its_code(tmp_path, client, clip):
    os.makedirs(tmp_path / "out")
    job = client.start_job(_request(tmp_path, clip, options={"fail-at": "12"}, label="strip 'walker'"))
    job.wait(timeout=120)
    assert job.done and not job.ok and job.status == "PROCESS_FAILED"
    assert job.error.code == "InternalServerError.Algo" and "frame 12" in job.error.message
    assert job.error.subject == "strip 'walker'"
    assert not os.path.exists(job.request.output)


def test_errors_before_the_job_exists_come_from_stderr(tmp_path, client, clip):
    os.makedirs(tmp_path / "out")
    job = client.start_job(_request(tmp_path, clip, backend="no-such-backend"))
    job.wait(timeout=60)
    assert job.finished is None and job.status == "PROCESS_FAILED"
    assert job.error.code == "Backend.NotFound" and "no-such-backend" in job.error.message
    assert "mattebox plugins" in job.error.hint


def test_limits_failure_arrives_with_the_services_code(tmp_path, client):
    from media_factory import make_clip

    tiny = make_clip(str(tmp_path / "tiny.mp4"), frames=4, width=6, height=6, codec="mpeg4", pix_fmt="yuv420p")
    os.makedirs(tmp_path / "out")
    job = client.start_job(_request(tmp_path, tiny))
    job.wait(timeout=60)
    assert job.error.code == "InvalidFile.Resolution" and "6x6" in job.error.message


@pytest.mark.parametrize("ignore_sigint", [False, True], ids=["ctrl-c", "job-store"])
def test_cancel_stops_the_job_and_leaves_no_output(tmp_path, clip, mattebox_home, ignore_sigint):
    # With SIGINT ignored (a host started with nohup), the cancel goes through the job store.
    runtime = write_runtime(tmp_path / "bin", mattebox_home, ignore_sigint=ignore_sigint)
    client = RuntimeClient(explicit=runtime)
    os.makedirs(tmp_path / "out")
    job = client.start_job(_request(tmp_path, clip, options={"delay": "0.1"}))
    while job.progress is None or job.progress.frame < 3:
        job.poll(timeout=0.5)
        assert not job.done, job.error
    job.cancel()
    assert job.wait(timeout=60)
    assert job.status == "CANCELLED" and job.error.code == "Job.Cancelled"
    assert job.progress.frame < 40
    assert not os.path.exists(job.request.output)
    assert client.show_job(job.job_id)["status"] == "CANCELLED"


def test_the_job_survives_the_host(tmp_path, runtime, clip, mattebox_home):
    """A host that exits right after starting a job does not take the job with it."""
    os.makedirs(tmp_path / "out")
    request = _request(tmp_path, clip, options={"delay": "0.02"})
    host = (
        "import json, os, sys\n"
        "from mattebox.publish import JobRequest, RuntimeClient\n"
        "job = RuntimeClient(explicit=sys.argv[1]).start_job(JobRequest.from_dict(json.loads(sys.argv[2])))\n"
        "os._exit(0)\n"  # the host dies at once, without any clean-up
    )
    subprocess.run([sys.executable, "-c", host, runtime, json.dumps(request.to_dict())], check=True, timeout=60)
    client = RuntimeClient(explicit=runtime)
    deadline = time.monotonic() + 120
    record = None
    while time.monotonic() < deadline:
        record = client.show_job(request.job_id)
        if record and record["status"] not in ("QUEUING", "PROCESSING"):
            break
        time.sleep(0.3)
    assert record is not None and record["status"] == "PROCESS_SUCCESS", record
    assert record["outputs"][0]["path"] == request.output and os.path.isfile(request.output)
    assert [j["id"] for j in client.jobs_for_source(clip)] == [request.job_id]


def test_unknown_job_is_none_and_check_reports_support(tmp_path, client, clip):
    assert client.show_job("19990101-000000-abcdef") is None
    result = client.start_check(_request(tmp_path, clip)).result()
    # The runtime's `check` command is proposed, not wired yet: until it is, the host says so.
    runtime_has_check = client.call("check", "--help")[0] == 0
    assert result.supported is runtime_has_check
    assert client.version().startswith("mattebox ")
