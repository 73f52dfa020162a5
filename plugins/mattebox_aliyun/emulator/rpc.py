"""The emulator's RPC API at ``/``: the videoseg actions, GetAsyncJobResult and AuthorizeFileUpload.

A request is verified (either signature style), may meet an injected fault, and is then answered
as the service answers: a segmentation action checks its ``VideoUrl`` (an OSS URL of this emulator,
ASCII only, readable), probes the clip against the action's limits with the service's codes, and
queues a job whose JobId is the call's RequestId.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import logging
import os
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Callable

from mattebox.errors import MatteboxError, error_info
from mattebox.limits import Limits
from mattebox.tasks import Task

from ..limits import SERVICE_LIMITS
from .auth import Account, RpcAuthenticator
from .faults import FaultPlan
from .http import HttpRequest, HttpResponse
from .jobs import EmulatedJob, JobRunner
from .objects import ObjectStore, StoredObject
from .oss import OssService
from .protocol import ServiceError, encode_body, new_request_id

__all__ = ["ACTIONS", "DISCONNECT", "PLATFORM_BUCKET", "RpcService"]

log = logging.getLogger(__name__)

VIDEOSEG_VERSION = "2020-03-20"
OPENPLATFORM_VERSION = "2019-12-19"
PLATFORM_BUCKET = "viapi-customer-temp"
_HOST_ID = "videoseg.cn-shanghai.emulator"
_ASYNC_MESSAGE = ("该调用为异步调用，任务已提交成功，请以requestId的值作为jobId参数调用同类目下GetAsyncJobResult接口查询任务执行状态和结果。")


@dataclass(frozen=True)
class SegmentAction:
    task: Task
    url_param: str  # the input parameter's name (VideoUrl / VideoURL)


ACTIONS = {
    "SegmentVideoBody": SegmentAction(Task.BODY, "VideoUrl"),
    "SegmentHalfBody": SegmentAction(Task.HALFBODY, "VideoUrl"),
    "SegmentGreenScreenVideo": SegmentAction(Task.GREENSCREEN, "VideoURL"),
}

DISCONNECT = object()
"""Returned instead of a response: close the connection without answering (a fault)."""


class RpcService:
    """Answers RPC requests.

    :param own_hosts: ``host:port`` values under which this emulator's OSS is reachable (input URLs
        elsewhere get ``InvalidFile.Region``).
    :param offered: the segmentation actions the emulated service still offers (others get
        ``InvalidAction.NotFound``, as an action dropped from the service would).
    """

    def __init__(self, auth: RpcAuthenticator, jobs: JobRunner, store: ObjectStore, oss: OssService, faults: FaultPlan,
                 platform: Account, *, own_hosts: Callable[[], set[str]], oss_endpoint: Callable[[], str],
                 offered: set[str] | None = None, upload_ttl_s: float = 1800.0) -> None:
        self.auth, self.jobs, self.store, self.oss, self.faults = auth, jobs, store, oss, faults
        self.platform = platform
        self.own_hosts = own_hosts
        self.oss_endpoint = oss_endpoint
        self.offered = set(ACTIONS) if offered is None else set(offered)
        self.upload_ttl_s = upload_ttl_s
        self.refusals: list[dict] = []  # segmentation calls answered with an error: {"Action", "Input", "Code"}
        self._lock = threading.Lock()

    def handle(self, req: HttpRequest, form: dict[str, str]):
        """The response to one RPC request (or :data:`DISCONNECT`)."""
        request_id = new_request_id()
        fmt = _guess_format(req, form)
        action = req.headers.get("x-acs-action") or form.get("Action") or req.query.get("Action")
        if self.faults.pick(("disconnect",), action) is not None:
            return DISCONNECT
        try:
            verified = self.auth.verify(req.method, req.path or "/", req.query, form, req.headers, req.body)
            fmt = verified.fmt
            fault = self.faults.pick(("busy", "throttling", "slow", "code"), verified.action)
            if fault and fault.startswith("code="):
                code = fault[5:]
                raise ServiceError(error_info(code).http_status, code, f"{error_info(code).meaning} (injected).")
            if fault == "busy":
                raise ServiceError(500, "InternalServerError.Busy", "The algorithm service is busy, please try again later.")
            if fault == "throttling":
                raise ServiceError(400, "Throttling", "Request was denied due to request throttling.")
            if fault == "slow":
                time.sleep(self.faults.slow_s)
            fields = self._dispatch(verified.action, verified.version, verified.params, verified.access_key_id, request_id)
            body, ctype = encode_body(f"{verified.action}Response", {"RequestId": request_id, **fields}, fmt)
            return HttpResponse(200, {"Content-Type": ctype, "x-acs-request-id": request_id}, body)
        except ServiceError as err:
            if action in ACTIONS:
                self._record_refusal(action, form, req, err.code)
            fields = {"RequestId": request_id, "HostId": _HOST_ID, "Code": err.code, "Message": err.message}
            body, ctype = encode_body("Error", fields, fmt)
            return HttpResponse(err.status, {"Content-Type": ctype, "x-acs-request-id": request_id, **err.headers}, body)

    def _record_refusal(self, action: str, form: dict[str, str], req: HttpRequest, code: str) -> None:
        url = form.get(ACTIONS[action].url_param) or req.query.get(ACTIONS[action].url_param) or ""
        path = urllib.parse.unquote(urllib.parse.urlsplit(url).path).lstrip("/")
        with self._lock:
            self.refusals.append({"Action": action, "Input": path, "Code": code})

    # -- actions ----------------------------------------------------------------------------------

    def _dispatch(self, action: str, version: str, params: dict[str, str], access_key_id: str, request_id: str) -> dict:
        if action == "AuthorizeFileUpload":
            self._check_version(version, OPENPLATFORM_VERSION)
            return self._authorize_file_upload(params)
        if action == "GetAsyncJobResult":
            self._check_version(version, VIDEOSEG_VERSION)
            return self._get_async_job_result(params)
        if action in ACTIONS and action in self.offered:
            self._check_version(version, VIDEOSEG_VERSION)
            return self._segment(action, ACTIONS[action], params, access_key_id, request_id)
        raise ServiceError(404, "InvalidAction.NotFound", f"Specified api is not found, please check your url and method: {action}.")

    @staticmethod
    def _check_version(version: str, expected: str) -> None:
        if version != expected:
            raise ServiceError(400, "InvalidVersion", f"Specified parameter Version={version} is not valid (expected {expected}).")

    def _authorize_file_upload(self, params: dict[str, str]) -> dict:
        if params.get("Product") != "videoseg":
            raise ServiceError(400, "InvalidParameter", "Product must be videoseg.")
        key = f"upload/{time.strftime('%Y%m%d')}/{uuid.uuid4().hex}"
        expiration = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + self.upload_ttl_s))
        policy = {"expiration": expiration, "conditions": [
            {"bucket": PLATFORM_BUCKET}, ["eq", "$key", key], ["content-length-range", 0, 1 << 30]]}
        encoded = base64.b64encode(json.dumps(policy).encode()).decode()
        signature = base64.b64encode(hmac.new(self.platform.secret.encode(), encoded.encode(), hashlib.sha1).digest()).decode()
        return {"AccessKeyId": self.platform.access_key_id, "Bucket": PLATFORM_BUCKET, "EncodedPolicy": encoded,
                "Endpoint": self.oss_endpoint(), "ObjectKey": key, "Signature": signature, "UseAccelerate": False}

    def _get_async_job_result(self, params: dict[str, str]) -> dict:
        job_id = params.get("JobId")
        if not job_id:
            raise ServiceError(400, "MissingParameter", 'The input parameter "JobId" that is mandatory for processing this request is not supplied.')
        job = self.jobs.get(job_id)
        if job is None:
            raise ServiceError(400, "InvalidParameter", f"The job {job_id} does not exist.")
        return {"Data": job.data()}

    def _segment(self, action: str, spec: SegmentAction, params: dict[str, str], access_key_id: str, request_id: str) -> dict:
        url = params.get(spec.url_param)
        if not url:
            raise ServiceError(400, "MissingParameter", f'The input parameter "{spec.url_param}" that is mandatory for processing this request is not supplied.')
        obj = self._fetch_input(url)
        duration = _check_clip(obj, SERVICE_LIMITS[spec.task])
        job = EmulatedJob(request_id, action, spec.task, spec.url_param, obj, access_key_id, duration)
        self.jobs.submit(job)
        return {"Message": _ASYNC_MESSAGE}

    def _fetch_input(self, url: str) -> StoredObject:
        """The object an input URL names, as the service would download it."""
        if any(ord(c) > 127 for c in url) or any(c.isspace() for c in url):
            raise ServiceError(400, "InvalidFile.URL", "The URL must not contain Chinese (non-ASCII) characters or spaces; percent-encode it.")
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ServiceError(400, "InvalidFile.URL", f"Illegal URL: {url[:200]}")
        if parts.netloc not in self.own_hosts():
            raise ServiceError(400, "InvalidFile.Region", f"The file URL must be an OSS URL in region cn-shanghai, not {parts.netloc}.")
        bucket, _, key = urllib.parse.unquote(parts.path).lstrip("/").partition("/")
        obj = self.store.get(bucket, key)
        if obj is None:
            raise ServiceError(400, "InvalidFile.Download", f"The file cannot be downloaded: /{bucket}/{key} does not exist.")
        if not obj.platform:
            query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
            probe_req = HttpRequest("GET", f"/{bucket}/{key}", query, {})
            try:
                self.oss.authorize(probe_req, bucket, key)
            except ServiceError as err:
                raise ServiceError(400, "InvalidFile.Download", f"The file cannot be downloaded: {err.status} {err.code} {err.message}") from None
        return obj


def _check_clip(obj: StoredObject, limits: Limits) -> float:
    """Probe the stored clip against ``limits``; returns its duration in seconds."""
    from mattebox.media.probe import probe

    ext = os.path.splitext(obj.key)[1].lower()
    link = obj.path + ext
    try:
        os.link(obj.path, link)
    except OSError:
        link = obj.path
    try:
        try:
            info = probe(link)
        except MatteboxError as exc:
            raise ServiceError(400, exc.code, exc.message.replace(os.path.basename(link), os.path.basename(obj.key))) from None
        # the service goes by the content (a temporary upload's key has no extension at all)
        kind = _container_extension(info.format_name, ext.lstrip("."))
        named = dataclasses.replace(info, path=os.path.splitext(obj.key)[0] + "." + kind)
        errs = limits.violations(named, label=os.path.basename(obj.key))
    finally:
        if link != obj.path:
            os.remove(link)
    if errs:
        raise ServiceError(400, errs[0].code, errs[0].message)
    return info.video.duration


_CONTAINERS = {"mov": ("mp4", "mov"), "mp4": ("mp4", "mov"), "avi": ("avi",), "flv": ("flv",), "matroska": ("mkv",),
               "webm": ("webm",), "mpegts": ("ts",), "mpeg": ("mpg",)}


def _container_extension(format_name: str, ext: str) -> str:
    """The file type the content is (``mp4`` for FFmpeg's ``mov,mp4,...``), preferring the name's extension."""
    kinds = [k for name in format_name.split(",") for k in _CONTAINERS.get(name, ())]
    if ext in kinds or not kinds:
        return ext or (kinds[0] if kinds else "bin")
    return kinds[0]


def _guess_format(req: HttpRequest, form: dict[str, str]) -> str:
    fmt = form.get("Format") or req.query.get("Format") or ("XML" if "xml" in req.headers.get("accept", "") else "JSON")
    return "XML" if str(fmt).upper() == "XML" else "JSON"
