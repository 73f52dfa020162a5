"""One cloud job: plan, estimate, upload, submit, poll and download every chunk, resumably.

The whole state lives in the job store (``JobContext.save_remote_state``) and is saved at every
step, so a job interrupted anywhere — a crash, a sleeping laptop, a dropped network — continues
where it stopped when resumed (``mattebox jobs resume``). A chunk goes through::

    pending → prepared → uploaded → submitting → submitted → succeeded → downloaded

and is submitted at most once, unless the service failed it: a LIMIT_RETRY_FAILED answer is
resubmitted up to ``resubmit`` times; PROCESS_FAILED, TIMEOUT_FAILED, an expired result or an
uncertain submission end the job with their code, and only an explicit resume submits those again.
Chunks run with bounded parallelism; every chunk that finished is kept when another one fails.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

from mattebox.backend import JobContext
from mattebox.errors import CancelledError, MatteboxError
from mattebox.jobs import JobStatus
from mattebox.tasks import Task

from .billing import estimate_charge
from .client import UNCERTAIN, RpcClient, is_retryable_code
from .download import EXPIRED, download
from .fit import UploadPlan, plan_upload
from .limits import SERVICE_LIMITS
from .transcode import remux_to_mp4, write_chunk
from .upload import OwnBucketUploader, TemporaryUploader

__all__ = ["RemoteJob", "RemoteSettings", "STATE_VERSION"]

log = logging.getLogger(__name__)

STATE_VERSION = 1
VIDEOSEG_VERSION = "2020-03-20"
INPUT_PARAM = {Task.BODY: "VideoUrl", Task.HALFBODY: "VideoUrl", Task.GREENSCREEN: "VideoURL"}
LOCAL_ALTERNATIVE = {Task.BODY: "onnx", Task.HALFBODY: "onnx", Task.GREENSCREEN: "keyer"}
_FAILED = {"PROCESS_FAILED": JobStatus.PROCESS_FAILED, "TIMEOUT_FAILED": JobStatus.TIMEOUT_FAILED,
           "LIMIT_RETRY_FAILED": JobStatus.LIMIT_RETRY_FAILED}
_RESUBMITTABLE = ("failed", "expired", "uncertain", "submitting")


@dataclass
class RemoteSettings:
    """The backend options that shape a cloud job."""

    parallel: int = 4
    poll_timeout_s: float = 7200.0
    poll_min_s: float = 1.0
    poll_max_s: float = 5.0  # "a related list API allows one call per 5 s"
    resubmit: int = 2
    keep_upload: bool = False
    fit: bool = False
    max_charge: float = 0.0


def with_status(error: MatteboxError, status: JobStatus) -> MatteboxError:
    """Mark ``error`` with the job status it implies (the runner stores that status)."""
    error.job_status = status  # type: ignore[attr-defined]
    return error


class RemoteJob:
    """Runs the remote part of one job; :meth:`run` returns the mask video of each chunk, in order.

    :param make_uploader: ``() -> OwnBucketUploader | TemporaryUploader``.
    """

    def __init__(self, context: JobContext, task: Task, settings: RemoteSettings, rpc: RpcClient, videoseg_endpoint: str,
                 make_uploader: Callable[[], OwnBucketUploader | TemporaryUploader]) -> None:
        self.context, self.task, self.settings = context, task, settings
        self.rpc, self.endpoint = rpc, videoseg_endpoint
        self.make_uploader = make_uploader
        self._uploader: OwnBucketUploader | TemporaryUploader | None = None
        self._lock = threading.RLock()
        self.state: dict[str, Any] = {}
        self._progress: dict[int, float] = {}

    # -- state -----------------------------------------------------------------------------------

    def _save(self) -> None:
        # snapshot and write under one lock: an older snapshot must never overwrite a newer one
        with self._lock:
            self.context.save_remote_state(json.loads(json.dumps(self.state)))

    def _set(self, chunk: dict, **fields: Any) -> None:
        with self._lock:
            chunk.update(fields)
            self.context.save_remote_state(json.loads(json.dumps(self.state)))

    def _uploader_for(self) -> OwnBucketUploader | TemporaryUploader:
        with self._lock:
            if self._uploader is None:
                self._uploader = self.make_uploader()
            return self._uploader

    def _check_cancel(self) -> None:
        if self.context.cancelled():
            raise CancelledError("cancelled; chunks already submitted keep running at the service and `mattebox jobs resume ID` collects them")

    def _report(self, index: int, fraction: float) -> None:
        """Overall progress of the remote part (prepare, upload, processing, download of every chunk)."""
        with self._lock:
            self._progress[index] = max(fraction, self._progress.get(index, 0.0))
            chunks = max(1, len(self.state.get("chunks", [])))
            total = sum(self._progress.values()) / chunks
        self.context.report("cloud", total)

    # -- planning ----------------------------------------------------------------------------------

    def _plan(self) -> None:
        ctx = self.context
        saved = ctx.remote_state()
        if saved.get("version") == STATE_VERSION and saved.get("task") == self.task.value and \
                saved.get("range") == [ctx.frame_start, ctx.frame_count]:
            self.state = saved
            for chunk in self.state["chunks"]:
                if chunk["state"] in _RESUBMITTABLE:
                    log.warning("chunk %d (%s) is submitted again on resume: the service %s", chunk["index"], chunk["state"],
                                "may bill it twice" if chunk["state"] in ("uncertain", "submitting") else "failed it")
                    if chunk.get("input_url"):
                        chunk["state"] = "uploaded"  # the uploaded input is reused (uploaded again if the service cannot read it)
                    else:
                        chunk["state"] = "prepared" if chunk.get("input_file") and os.path.exists(chunk["input_file"]) else "pending"
            self._save()
            return
        info = ctx.source
        plan: UploadPlan = plan_upload(info, SERVICE_LIMITS[self.task], ctx.frame_start, ctx.frame_count, fit=self.settings.fit)
        for change in plan.changes:
            log.warning("--fit: %s", change)
        counts = [last - first + 1 for first, last in plan.chunks]
        estimate = estimate_charge(self.task, counts, info.video.frame_rate)
        self.state = {
            "version": STATE_VERSION, "task": self.task.value, "action": self.task.action,
            "range": [ctx.frame_start, ctx.frame_count], "plan": plan.to_dict(), "estimate": estimate.to_dict(),
            "chunks": [{"index": i, "first": first, "last": last, "frames": last - first + 1, "state": "pending",
                        "request_ids": [], "submits": 0, "auto_resubmits": 0} for i, (first, last) in enumerate(plan.chunks)],
        }
        self._save()  # the estimate is recorded in the job before anything is uploaded or submitted
        log.warning("%s: estimated charge: %s", ctx.job_id, estimate.describe())
        ctx.report("estimate", 1.0, estimate.describe())
        if self.settings.max_charge and estimate.cny is not None and estimate.cny > self.settings.max_charge:
            raise MatteboxError("InvalidParameter", f"the estimated charge {estimate.cny:.2f} CNY exceeds --max-charge {self.settings.max_charge:g}",
                                hint="raise --max-charge, or process a shorter --frames range")

    # -- the chunk pipeline ---------------------------------------------------------------------

    def run(self) -> list[str]:
        """Bring every chunk to ``downloaded``; returns the mask files in chunk order."""
        self._plan()
        chunks = self.state["chunks"]
        errors: dict[int, BaseException] = {}
        with ThreadPoolExecutor(max_workers=max(1, min(self.settings.parallel, len(chunks))), thread_name_prefix="aliyun-chunk") as pool:
            futures = {pool.submit(self._run_chunk, c): c["index"] for c in chunks}
            for future, index in futures.items():
                try:
                    future.result()
                except BaseException as exc:  # collected: the other chunks still finish and are kept
                    errors[index] = exc
        if errors:
            first = errors[min(errors)]
            cancels = [e for e in errors.values() if isinstance(e, CancelledError)]
            raise cancels[0] if cancels and len(cancels) == len(errors) else first
        return [c["mask"] for c in chunks]

    def _run_chunk(self, chunk: dict) -> None:
        what = f"chunk {chunk['index'] + 1}/{len(self.state['chunks'])}"
        while True:
            self._check_cancel()
            state = chunk["state"]
            if state == "downloaded" and os.path.exists(chunk.get("mask", "")):
                self._cleanup(chunk)
                self._report(chunk["index"], 1.0)
                return
            if state in ("pending", "downloaded"):
                self._prepare(chunk)
            elif state == "prepared":
                self._upload(chunk)
            elif state == "uploaded":
                self._submit(chunk, what)
            elif state == "submitted":
                self._poll(chunk, what)
            elif state == "succeeded":
                self._download(chunk, what)
            else:
                raise MatteboxError("InternalServerError", f"{what}: unknown state {state!r} in the job store")

    def _prepare(self, chunk: dict) -> None:
        info = self.context.source
        plan = self.state["plan"]
        mode = plan["mode"]
        if mode == "original":
            path = info.path
        else:
            path = os.path.join(self.context.workdir, f"chunk-{chunk['index']:03d}.mp4")
            if mode == "remux":
                remux_to_mp4(info, path)
            else:
                size = tuple(plan["size"]) if plan.get("size") else None
                write_chunk(info, chunk["first"], chunk["last"], path, size=size, max_bytes=plan.get("max_bytes"),
                            cancelled=self.context.cancelled, progress=lambda f: self._report(chunk["index"], 0.1 * f))
        self._set(chunk, state="prepared", input_file=path)

    def _upload(self, chunk: dict) -> None:
        path = chunk["input_file"]
        if not os.path.exists(path):
            self._set(chunk, state="pending")
            return
        uploader = self._uploader_for()
        progress = lambda done, total: self._report(chunk["index"], 0.1 + 0.15 * done / max(1, total))  # noqa: E731
        if isinstance(uploader, OwnBucketUploader):
            ext = os.path.splitext(path)[1].lower() or ".mp4"
            uploaded = uploader.upload(path, f"mattebox/{self.context.job_id}/chunk-{chunk['index']:03d}{ext}", progress)
        else:
            uploaded = uploader.upload(path, progress)
        self._set(chunk, state="uploaded", object={"bucket": uploaded.bucket, "key": uploaded.key, "own": uploaded.own_bucket},
                  input_url=uploaded.url)

    def _input_url(self, chunk: dict) -> str:
        obj = chunk.get("object") or {}
        uploader = self._uploader_for()
        if obj.get("own") and isinstance(uploader, OwnBucketUploader):
            return uploader.sign(obj["key"])  # a fresh signature: a resumed job may be hours later
        return chunk["input_url"]

    def _submit(self, chunk: dict, what: str) -> None:
        url = self._input_url(chunk)
        self._set(chunk, state="submitting")  # a crash from here until the RequestId is saved leaves it uncertain
        try:
            answer = self.rpc.call(self.endpoint, self.task.action, VIDEOSEG_VERSION, {INPUT_PARAM[self.task]: url}, idempotent=False)
        except MatteboxError as err:
            if err.code == UNCERTAIN:
                self._set(chunk, state="uncertain", error=err.to_dict())
                raise
            self._set(chunk, state="uploaded")
            if err.code in ("InvalidAction.NotFound", "InvalidAction", "InvalidVersion", "Forbidden.NotSubscribed"):
                local = LOCAL_ALTERNATIVE[self.task]
                raise MatteboxError(err.code, f"the service does not offer {self.task.action} ({err.message})",
                                    hint=f"use the local backend: --backend {local}", request_id=err.request_id) from None
            if err.code == "InvalidFile.Download" and not (chunk.get("object") or {}).get("own"):
                self._set(chunk, state="prepared")  # the temporary upload is gone: upload again, once
                if chunk.get("reuploaded"):
                    raise
                chunk["reuploaded"] = True
                return
            raise
        job_id = answer.get("RequestId")
        if not job_id:
            raise MatteboxError("InternalServerError", f"{what}: {self.task.action} answered without a RequestId")
        self._set(chunk, state="submitted", job_id=job_id, request_ids=chunk["request_ids"] + [job_id],
                  submits=chunk["submits"] + 1, submitted_at=time.time(), status="QUEUING")
        log.info("%s submitted: JobId %s", what, job_id)

    def _poll(self, chunk: dict, what: str) -> None:
        started = time.time()  # the timeout counts from this run: a resumed job waits afresh
        delay = self.settings.poll_min_s
        while True:
            self._check_cancel()
            try:
                answer = self.rpc.call(self.endpoint, "GetAsyncJobResult", VIDEOSEG_VERSION, {"JobId": chunk["job_id"]})
            except MatteboxError as err:
                if not is_retryable_code(err.code) or time.time() - started > self.settings.poll_timeout_s:
                    raise
                # the job goes on at the service whatever happens to a status query: keep asking
                log.info("%s: status query failed (%s); polling on", what, err.code)
                answer = {}
            data = answer.get("Data") or {}
            status = str(data.get("Status", ""))
            if status and status != chunk.get("status"):
                self._set(chunk, status=status)
            if status == "PROCESS_SUCCESS":
                url = _result_url(data.get("Result"))
                if not url:
                    raise MatteboxError("InternalServerError.Algo", f"{what}: PROCESS_SUCCESS without a result URL", request_id=chunk["job_id"])
                self._set(chunk, state="succeeded", result_url=url, finished_seen=time.time())
                return
            if status in _FAILED:
                code = str(data.get("ErrorCode") or "InternalServerError.Algo")
                message = f"{what} {status}: {data.get('ErrorMessage') or code} (JobId {chunk['job_id']})"
                if status == "LIMIT_RETRY_FAILED" and chunk["auto_resubmits"] < self.settings.resubmit:
                    log.warning("%s; resubmitting (%d of %d)", message, chunk["auto_resubmits"] + 1, self.settings.resubmit)
                    self._set(chunk, state="uploaded", auto_resubmits=chunk["auto_resubmits"] + 1)
                    return
                self._set(chunk, state="failed", error={"code": code, "message": message, "status": status})
                hint = "`mattebox jobs resume ID` submits this part again" + (
                    f"; or use the local backend (--backend {LOCAL_ALTERNATIVE[self.task]})" if status != "LIMIT_RETRY_FAILED" else "")
                raise with_status(MatteboxError(code, message, hint=hint, request_id=chunk["job_id"]), _FAILED[status])
            if time.time() - started > self.settings.poll_timeout_s:
                raise with_status(MatteboxError(
                    "InternalServerError", f"{what}: no result after {self.settings.poll_timeout_s:.0f} s (status {status or 'unknown'})",
                    hint="`mattebox jobs resume ID` keeps polling the same job (nothing is submitted again)", request_id=chunk["job_id"],
                ), JobStatus.TIMEOUT_FAILED)
            self._report(chunk["index"], 0.3 if status == "QUEUING" else 0.5)
            end = time.monotonic() + delay
            while (left := end - time.monotonic()) > 0:
                self._check_cancel()
                time.sleep(min(0.1, left))
            delay = min(self.settings.poll_max_s, delay * 1.5)

    def _download(self, chunk: dict, what: str) -> None:
        path = os.path.join(self.context.workdir, f"chunk-{chunk['index']:03d}-mask.mp4")
        try:
            download(self.rpc.session, chunk["result_url"], path, what=what, cancelled=self.context.cancelled,
                     progress=lambda done, total: self._report(chunk["index"], 0.75 + 0.25 * done / max(1, total)))
        except MatteboxError as err:
            if err.code == EXPIRED:
                self._set(chunk, state="expired", error=err.to_dict())
            raise
        self._set(chunk, state="downloaded", mask=path)

    def _cleanup(self, chunk: dict) -> None:
        obj = chunk.get("object") or {}
        if obj.get("own") and not self.settings.keep_upload and not chunk.get("deleted"):
            uploader = self._uploader_for()
            if isinstance(uploader, OwnBucketUploader):
                uploader.delete(obj["key"])
            self._set(chunk, deleted=True)
        input_file = chunk.get("input_file")
        if input_file and input_file != self.context.source.path and os.path.exists(input_file):
            os.remove(input_file)


def _result_url(result: Any) -> str | None:
    """``Data.Result`` is a JSON *string* holding ``VideoUrl`` (or ``VideoURL``)."""
    if isinstance(result, str):
        try:
            result = json.loads(result)
        except ValueError:
            return result if result.startswith("http") else None
    if isinstance(result, dict):
        return result.get("VideoUrl") or result.get("VideoURL") or result.get("videoUrl")
    return None

