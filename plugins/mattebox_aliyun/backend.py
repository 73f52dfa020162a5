"""The ``aliyun`` backend: Alibaba Cloud videoseg in cn-shanghai, for all three tasks.

SegmentVideoBody is the service's current action; SegmentHalfBody and SegmentGreenScreenVideo were
dropped from the 2024 SDK and may be refused by the service (the backend then names the local
backend to use). The limits the runner checks first are the ones nothing can fix (a picture too
small); everything else — format, size, resolution, frame count — is planned in ``prepare()``
against the chosen options (``--fit``), still before anything is uploaded or billed.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Mapping, Sequence

from mattebox.backend import JobContext, Option, TaskSupport
from mattebox.errors import LimitExceededError, MatteboxError
from mattebox.limits import Limits
from mattebox.tasks import Task

from .credentials import Credentials
from .limits import SERVICE_LIMITS

__all__ = ["AliyunBackend", "CloudLimits"]

_DROPPED = "dropped from the 2024 SDK: the service may refuse it (then use a local backend)"


@dataclasses.dataclass(frozen=True)
class CloudLimits(Limits):
    """The service's limits for display; the runner's early check enforces only a too-small picture.

    Longer clips are split into requests of at most 2000 frames, and format, size and resolution
    are checked against what will actually be uploaded once the options are known.
    """

    def violations(self, info, frames: int | None = None, *, label: str | None = None) -> list[MatteboxError]:
        w, h = info.video.width, info.video.height
        if self.min_side is not None and (min(w, h) <= self.min_side if self.min_exclusive else min(w, h) < self.min_side):
            name = label or os.path.basename(info.path)
            return [LimitExceededError("InvalidFile.Resolution", f"{name}: {w}x{h} is below the service's {self.describe_resolution()}",
                                       hint="use a local backend (`mattebox plugins`)")]
        return []

    def describe(self) -> str:
        text = super().describe()
        if self.max_frames:
            text += f" per request (longer clips are split into {self.max_frames}-frame requests)"
        return text + "; --fit remuxes/re-encodes/downscales to fit"


def _bool(text: str) -> bool:
    from mattebox.cli.options import bool_option

    return bool_option(text)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError("must be at least 1")
    return value


def _non_negative(text: str) -> float:
    value = float(text)
    if value < 0:
        raise ValueError("must not be negative")
    return value


class AliyunBackend:
    """The cloud backend. ``credentials`` given here win over the environment and the CLI profile."""

    name = "aliyun"
    description = "Alibaba Cloud videoseg (cn-shanghai): uploads the clip; SegmentVideoBody bills 1.2 CNY per output minute"
    remote = True  # uploads and bills: never chosen unless named

    def __init__(self, credentials: Credentials | None = None) -> None:
        self.credentials = credentials

    def tasks(self) -> Mapping[Task, TaskSupport]:
        return {Task.BODY: TaskSupport(True, "SegmentVideoBody"),
                Task.HALFBODY: TaskSupport(True, f"SegmentHalfBody, {_DROPPED}"),
                Task.GREENSCREEN: TaskSupport(True, f"SegmentGreenScreenVideo, {_DROPPED}")}

    def limits(self, task: Task) -> Limits:
        return CloudLimits(**{f.name: getattr(SERVICE_LIMITS[task], f.name) for f in dataclasses.fields(Limits)})

    def options(self, task: Task) -> Sequence[Option]:
        return [
            Option("endpoint", str, "", "videoseg endpoint URL (default: cn-shanghai; $MATTEBOX_ALIYUN_ENDPOINT; an emulator's URL)"),
            Option("oss-endpoint", str, "", "OSS endpoint of --bucket (default: oss-cn-shanghai.aliyuncs.com)"),
            Option("bucket", str, "", "your own cn-shanghai OSS bucket (default: the platform's temporary upload)"),
            Option("keep-upload", _bool, False, "keep the uploaded clip in --bucket afterwards"),
            Option("profile", str, "", "Alibaba Cloud CLI profile to take the AccessKey from"),
            Option("signature", str, "v3", "request signature style", choices=("v3", "v1")),
            Option("fit", _bool, False, "remux/re-encode/downscale a clip outside the service's limits (says what it changed)"),
            Option("parallel", _positive_int, 4, "chunks uploaded/processed at once"),
            Option("resubmit", int, 2, "times a LIMIT_RETRY_FAILED chunk is submitted again"),
            Option("poll-timeout", _non_negative, 7200.0, "seconds to wait for the service before giving up (resume continues)"),
            Option("max-charge", _non_negative, 0.0, "refuse to submit if the estimate exceeds this many CNY (0: no limit)"),
        ]

    def create(self, task: Task, options: Mapping[str, Any], context: JobContext):
        from .client import RpcClient
        from .credentials import resolve_credentials
        from .endpoints import Endpoints
        from .paths import checkpoint_dir
        from .processor import AliyunProcessor
        from .remote import RemoteJob, RemoteSettings
        from .upload import OwnBucketUploader, TemporaryUploader

        creds = resolve_credentials(self.credentials, profile=options.get("profile") or None)
        endpoints = Endpoints.resolve(options.get("endpoint") or None, options.get("oss_endpoint") or None)
        rpc = RpcClient(creds, signature=options.get("signature", "v3"), should_stop=context.cancelled)
        bucket = options.get("bucket") or ""

        def make_uploader():
            if bucket:
                return OwnBucketUploader(creds, bucket, endpoints, checkpoint_dir=str(checkpoint_dir()))
            return TemporaryUploader(rpc, endpoints)

        if bucket:
            endpoints.check_oss_region()  # before anything else happens
        settings = RemoteSettings(parallel=int(options.get("parallel", 4)), poll_timeout_s=float(options.get("poll_timeout", 7200.0)),
                                  resubmit=int(options.get("resubmit", 2)), keep_upload=bool(options.get("keep_upload", False)),
                                  fit=bool(options.get("fit", False)), max_charge=float(options.get("max_charge", 0.0)))
        remote = RemoteJob(context, task, settings, rpc, endpoints.videoseg, make_uploader)
        counts = lambda: [c["frames"] for c in remote.state["chunks"]]  # noqa: E731
        video = context.source.video
        return AliyunProcessor(remote, counts, video.width, video.height, video.orientation)
