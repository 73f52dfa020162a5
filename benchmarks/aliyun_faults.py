"""Fault tolerance of the cloud backend: a batch of jobs while the emulator injects hundreds of faults.

The emulator (a real HTTP server on 127.0.0.1, model-free luma engine so every mask names its source
frame) injects every fault kind it knows: 5xx Busy, Throttling, dropped connections before an
answer, slow answers, downloads cut midway, lost uploads, PROCESS_FAILED, TIMEOUT_FAILED,
LIMIT_RETRY_FAILED and documented service error codes. A batch of jobs (short clips and clips over
the 2000-frame limit) runs through ``mattebox.api.run`` with the real client, uploads and polling.

Checked afterwards, from the job store and the emulator's own records:
- lost jobs: a job not in a final status, or a "successful" job whose matte does not show exactly
  its source frames in order (target 0);
- duplicate submissions: an input submitted again although the service had not failed it (target 0);
- wrong outcomes: a failed job whose code/status is not the one the emulator answered (target 0);
then every failed job is resumed with the faults off and must succeed, still without duplicates.

Run: ``python benchmarks/aliyun_faults.py [--jobs 64] [--parallel 6] [--seed 7]``;
writes ``benchmarks/out/aliyun_faults.json``.
"""

from __future__ import annotations

import argparse
import collections
import logging
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "tests"))  # media_factory: clips whose frames show their index

from common import read_json, write_json  # noqa: E402

NAME = "aliyun_faults"
KEY_ID, SECRET = "LTAI5tBenchmarkKey", "benchmark-secret-not-logged"

FAULTS = [
    "busy:0.15", "throttling:0.1", "disconnect:0.06", "slow:0.04", "drop:0.45", "oss_disconnect:0.15",
    "process_failed:0.05", "timeout_failed:0.04", "limit_retry_failed:0.08",
    "code=InvalidFile.Category:0.02@SegmentVideoBody", "code=InvalidParameter:0.01@SegmentVideoBody",
    "code=InternalServerError.Algo:0.04@SegmentVideoBody", "code=InternalServerError.Model:0.02@SegmentVideoBody",
]
_SERVICE_FAILED = ("PROCESS_FAILED", "TIMEOUT_FAILED", "LIMIT_RETRY_FAILED")


def _clips(folder: Path, jobs: int) -> list[tuple[str, int]]:
    from media_factory import make_clip

    clips = []
    for i in range(jobs):
        frames = 2100 + 37 * i if i % 9 == 4 else 12 + (i * 7) % 50  # every ninth job spans two requests
        size = (64, 48) if frames > 2000 else (160, 120)
        clips.append((make_clip(str(folder / f"clip{i:02d}.mp4"), frames=frames, width=size[0], height=size[1]), frames))
    return clips


def _matte_ok(path: str, frames: int) -> bool:
    from media_factory import read_index

    import av
    import numpy as np

    try:
        with av.open(path) as c:
            got = [read_index(np.repeat(f.to_ndarray(format="gray")[..., None], 3, axis=2)) for f in c.decode(video=0)]
    except Exception:
        return False
    return got == [i % 256 for i in range(frames)]


def _inputs(job) -> list[str]:
    return [f"{c['object']['bucket']}/{c['object']['key']}" for c in job.remote.get("chunks", []) if c.get("object")]


def _duplicates(stats: dict) -> int:
    """Submissions of an input beyond the first, not justified by a job the service failed."""
    failed = collections.Counter(j["Input"] for j in stats["jobs"] if j["Status"] in _SERVICE_FAILED)
    return sum(max(0, n - 1 - failed[key]) for key, n in stats["submissions"].items())


def _expected(job, stats: dict) -> tuple[bool, str]:
    """Whether a failed job's code and status are what the emulator answered; and why not."""
    from mattebox_aliyun.client import UNCERTAIN

    code, status = job.error.get("code"), job.status.value
    by_id = {j["JobId"]: j for j in stats["jobs"]}
    for chunk in job.remote.get("chunks", []):
        state = chunk["state"]
        if state == "failed":
            remote = by_id.get(chunk.get("job_id"), {})
            if remote.get("Status") == status and remote.get("ErrorCode") == code:
                return True, ""
            return False, f"chunk failed as {remote} but the job says {status}/{code}"
        if state == "uncertain":
            return (code == UNCERTAIN and status == "PROCESS_FAILED"), f"uncertain chunk, job says {code}"
    inputs = set(_inputs(job))
    refused = [r["Code"] for r in stats["refusals"] if r["Input"] in inputs]
    if refused and refused[-1] == code:
        return True, ""
    if code.startswith(("InternalServerError", "Throttling")):  # retries exhausted on transport faults or 5xx answers
        return True, ""
    return False, f"{status}/{code}; refusals for its inputs: {refused}"


def run(jobs: int, parallel: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="aliyun-faults-") as tmp:
        return _run(Path(tmp), jobs, parallel, seed)


def _run(work: Path, jobs: int, parallel: int, seed: int) -> dict:
    from mattebox import api
    from mattebox.errors import MatteboxError
    from mattebox.plugins import get_registry
    from mattebox.store import JobStore
    from mattebox_aliyun.emulator import Account, Emulator, EmulatorConfig, FaultPlan, FaultRule
    from mattebox_aliyun.emulator.engine import LumaEngine

    os.environ["MATTEBOX_HOME"] = str(work / "home")
    clips = _clips(work, jobs)
    plan = FaultPlan([FaultRule.parse(s) for s in FAULTS], seed=seed, slow_s=0.5)
    config = EmulatorConfig(accounts=[Account(KEY_ID, SECRET)], workers=6, engine=LumaEngine(), faults=plan,
                            processing_s=1.5, workdir=str(work / "emulator"))
    registry = get_registry()
    outcomes: dict[str, str] = {}
    with Emulator(config) as emu:
        os.environ.update(ALIBABA_CLOUD_ACCESS_KEY_ID=KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET=SECRET, MATTEBOX_ALIYUN_ENDPOINT=emu.url)
        ids = [f"faults-{i:03d}" for i in range(jobs)]

        def one(i: int) -> None:
            try:
                api.run("body", clips[i][0], work / f"out{i:02d}.mkv", backend="aliyun", job_id=ids[i], registry=registry,
                        overwrite=True)
                outcomes[ids[i]] = "PROCESS_SUCCESS"
            except MatteboxError as exc:
                outcomes[ids[i]] = exc.code

        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            list(pool.map(one, range(jobs)))
        wall = time.perf_counter() - t0
        stats = emu.stats()
        store = JobStore()
        final = {i: store.get(i) for i in ids}
        lost = [i for i, job in final.items() if not job.status.final]
        wrong_output = [i for i, job in final.items() if job.status.value == "PROCESS_SUCCESS"
                        and not _matte_ok(str(work / f"out{ids.index(i):02d}.mkv"), clips[ids.index(i)][1])]
        failed = {i: job for i, job in final.items() if job.status.value != "PROCESS_SUCCESS"}
        checks = {i: _expected(job, stats) for i, job in failed.items()}
        wrong = {i: why for i, (ok, why) in checks.items() if not ok}
        duplicates = _duplicates(stats)
        first_pass = collections.Counter(f"{job.status.value}/{job.error['code']}" for job in failed.values())

        # Phase 2: the faults stop; every failed job is resumed and must succeed.
        emu.set_faults([])
        resumed_ok = 0
        for i in failed:
            try:
                api.resume(i, registry=registry)
                resumed_ok += _matte_ok(str(work / f"out{ids.index(i):02d}.mkv"), clips[ids.index(i)][1])
            except MatteboxError as exc:
                wrong[i] = f"resume failed: {exc.code}: {exc.message}"
        stats2 = emu.stats()
        duplicates_after = _duplicates(stats2)
    injected = stats["faults"]["injected"]
    result = {
        "jobs": jobs, "parallel": parallel, "seed": seed, "faults": FAULTS, "wall_s": round(wall, 1),
        "faults_injected": sum(injected.values()), "faults_by_kind": injected,
        "succeeded_first_pass": jobs - len(failed), "failed_first_pass": dict(first_pass),
        "lost_jobs": len(lost) + len(wrong_output), "lost": lost + wrong_output,
        "duplicate_submissions": duplicates, "duplicate_submissions_after_resume": duplicates_after,
        "wrong_outcomes": len(wrong), "wrong": wrong,
        "failures": {i: f"{job.status.value} {job.error['code']}: {job.error['message']}" for i, job in failed.items()}, "resumed_ok": resumed_ok, "resumed": len(failed),
        "submissions": sum(stats2["submissions"].values()), "billed_seconds": stats2["billed_seconds"],
        "figures": [
            {"label": "cloud: faults injected in the batch", "value": sum(injected.values()), "target": 200, "better": "higher"},
            {"label": "cloud: jobs lost under faults", "value": len(lost) + len(wrong_output), "target": 0, "better": "lower"},
            {"label": "cloud: duplicate submissions", "value": max(duplicates, duplicates_after), "target": 0, "better": "lower"},
            {"label": "cloud: wrong error codes", "value": len(wrong), "target": 0, "better": "lower"},
        ],
    }
    write_json(NAME, result)
    return result


def report_section() -> str:
    r = read_json(NAME)
    if r is None:
        return "### Cloud backend fault tolerance\nnot measured yet: `python benchmarks/aliyun_faults.py`\n"
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(r["faults_by_kind"].items()))
    failures = ", ".join(f"{k} ×{v}" for k, v in sorted(r["failed_first_pass"].items())) or "none"
    return (
        "### Cloud backend fault tolerance (emulator)\n"
        f"- {r['jobs']} jobs ({r['parallel']} at a time) while the emulator injected {r['faults_injected']} faults "
        f"(target ≥ 200): {kinds}\n"
        f"- first pass: {r['succeeded_first_pass']} succeeded; failed with the service's answer: {failures}\n"
        f"- jobs lost: {r['lost_jobs']} (target 0); duplicate submissions: {r['duplicate_submissions']} "
        f"(after resuming the failed ones: {r['duplicate_submissions_after_resume']}; target 0); wrong codes: "
        f"{r['wrong_outcomes']} (target 0)\n"
        f"- faults off, every failed job resumed: {r['resumed_ok']}/{r['resumed']} succeeded with every frame in place\n"
        f"- `python benchmarks/aliyun_faults.py --jobs {r['jobs']} --parallel {r['parallel']} --seed {r['seed']}` "
        f"({r['wall_s']:.0f} s)\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=64)
    parser.add_argument("--parallel", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the backend's per-job notices would drown the report
    run(args.jobs, args.parallel, args.seed)
    print(report_section())


if __name__ == "__main__":
    main()
