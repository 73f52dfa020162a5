"""Getting a local clip to where the service reads it: a cn-shanghai OSS URL.

Two ways. :class:`OwnBucketUploader` puts the file into the user's own bucket with oss2's resumable
upload (a checkpoint on disk lets an interrupted upload continue where it stopped), hands the
service a signed GET URL and deletes the object afterwards unless asked to keep it.
:class:`TemporaryUploader` needs no bucket: ``AuthorizeFileUpload`` returns a policy for the
platform's temporary bucket, and the file is POSTed there as a streamed multipart form. Object keys
are ASCII and every URL is percent-encoded, so no name can break the service's "no Chinese
characters in the URL" rule.
"""

from __future__ import annotations

import logging
import os
import random
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Callable, Iterator

import requests

from mattebox.errors import MatteboxError

from .client import RetryPolicy, RpcClient, is_retryable_code, parse_xml
from .credentials import Credentials
from .endpoints import Endpoints, is_ip_endpoint

__all__ = ["OwnBucketUploader", "TemporaryUploader", "Uploaded"]

log = logging.getLogger(__name__)

OPENPLATFORM_VERSION = "2019-12-19"
Progress = Callable[[int, int], None]
_rng = random.Random()


@dataclass(frozen=True)
class Uploaded:
    """Where an uploaded clip is: the URL for the service, and the object (to delete it later)."""

    url: str
    bucket: str
    key: str
    own_bucket: bool


class OwnBucketUploader:
    """Uploads into the user's bucket with oss2 (resumable, checkpointed).

    :param checkpoint_dir: where oss2 keeps the progress of unfinished uploads.
    :param url_ttl_s: lifetime of the signed URL handed to the service (it must outlast the queue).
    """

    def __init__(self, credentials: Credentials, bucket: str, endpoints: Endpoints, *, checkpoint_dir: str,
                 url_ttl_s: int = 3 * 3600, part_size: int = 8 << 20) -> None:
        import oss2

        endpoints.check_oss_region()
        if credentials.security_token:
            auth = oss2.StsAuth(credentials.access_key_id, credentials.access_key_secret, credentials.security_token)
        else:
            auth = oss2.Auth(credentials.access_key_id, credentials.access_key_secret)
        self.bucket = oss2.Bucket(auth, endpoints.oss, bucket, connect_timeout=30)
        self.bucket_name = bucket
        self.checkpoint_dir = checkpoint_dir
        self.url_ttl_s = url_ttl_s
        self.part_size = part_size
        os.makedirs(checkpoint_dir, exist_ok=True)

    def upload(self, path: str, key: str, progress: Progress | None = None, attempts: int = 5) -> Uploaded:
        """Upload ``path`` as ``key`` (continuing an interrupted upload of the same file) and sign a URL."""
        import oss2

        store = oss2.ResumableStore(root=self.checkpoint_dir)
        for attempt in range(attempts):
            try:
                oss2.resumable_upload(self.bucket, key, path, store=store, multipart_threshold=self.part_size,
                                      part_size=self.part_size, num_threads=2, progress_callback=progress)
                break
            except oss2.exceptions.OssError as exc:
                retryable = (isinstance(exc, oss2.exceptions.RequestError) or getattr(exc, "status", 0) >= 500
                             or getattr(exc, "code", "") == "RequestTimeTooSkewed")
                if not retryable or attempt + 1 >= attempts:
                    raise _oss_error(exc, key) from None
                log.info("upload of %s interrupted (%s); continuing from the checkpoint", key, type(exc).__name__)
                time.sleep(RetryPolicy().delay(attempt + 1, _rng))
        return Uploaded(self.sign(key), self.bucket_name, key, True)

    def sign(self, key: str) -> str:
        """A signed GET URL for ``key`` (percent-encoded, ASCII)."""
        return self.bucket.sign_url("GET", key, self.url_ttl_s, slash_safe=True)

    def delete(self, key: str) -> None:
        import oss2

        try:
            self.bucket.delete_object(key)
        except oss2.exceptions.OssError as exc:
            log.warning("could not delete oss://%s/%s: %s", self.bucket_name, key, getattr(exc, "code", exc))


def _oss_error(exc, key: str) -> MatteboxError:
    code = getattr(exc, "code", "") or type(exc).__name__
    message = getattr(exc, "message", "") or str(exc)[:200]
    request_id = getattr(exc, "request_id", None) or None
    if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied"):
        return MatteboxError("InvalidAccessKeyId.NotFound" if code == "InvalidAccessKeyId" else "SignatureDoesNotMatch"
                             if code == "SignatureDoesNotMatch" else "InvalidFile.Unsafe",
                             f"OSS refused the upload of {key}: {code}: {message}", request_id=request_id,
                             hint="check the AccessKey and that it may write to the bucket")
    return MatteboxError("InternalServerError", f"the upload of {key} to OSS failed: {code}: {message}", request_id=request_id,
                         hint="check the network; `mattebox jobs resume ID` continues the upload from its checkpoint")


class _MultipartBody:
    """A multipart/form-data body streamed from disk, with a known length (no chunked encoding)."""

    def __init__(self, fields: list[tuple[str, str]], path: str, filename: str, progress: Progress | None) -> None:
        self.boundary = "mattebox" + uuid.uuid4().hex
        head = b"".join(
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields
        )
        head += (f'--{self.boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n").encode()
        self.head, self.tail = head, f"\r\n--{self.boundary}--\r\n".encode()
        self.path, self.size = path, os.path.getsize(path)
        self.progress = progress

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return len(self.head) + self.size + len(self.tail)

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        sent = 0
        with open(self.path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                sent += len(block)
                if self.progress is not None:
                    self.progress(sent, self.size)
                yield block
        yield self.tail


class TemporaryUploader:
    """The platform's temporary upload (no bucket needed): AuthorizeFileUpload, then OSS PostObject."""

    def __init__(self, rpc: RpcClient, endpoints: Endpoints, *, attempts: int = 5) -> None:
        self.rpc = rpc
        self.endpoints = endpoints
        self.attempts = attempts

    def upload(self, path: str, progress: Progress | None = None) -> Uploaded:
        """Upload ``path``; a failed POST starts again with a fresh authorisation."""
        error: MatteboxError | None = None
        for attempt in range(self.attempts):
            try:
                auth = self.rpc.call(self.endpoints.openplatform, "AuthorizeFileUpload", OPENPLATFORM_VERSION,
                                     {"Product": "videoseg", "RegionId": "cn-shanghai"})
                return self._post(auth, path, progress)
            except requests.RequestException as exc:
                error = MatteboxError("InternalServerError", f"the temporary upload failed ({type(exc).__name__})",
                                      hint="check the network connection; mattebox retried")
            except MatteboxError as exc:
                if not is_retryable_code(exc.code):
                    raise
                error = exc
            time.sleep(RetryPolicy().delay(attempt + 1, _rng))
        assert error is not None
        raise error

    def _post(self, auth: dict, path: str, progress: Progress | None) -> Uploaded:
        bucket, endpoint, key = str(auth["Bucket"]), str(auth["Endpoint"]), str(auth["ObjectKey"])
        scheme = urllib.parse.urlsplit(self.endpoints.openplatform).scheme
        quoted_key = urllib.parse.quote(key, safe="/")
        if is_ip_endpoint(endpoint):  # an emulator: OSS path-style
            post_url, url = f"{scheme}://{endpoint}/{bucket}", f"http://{endpoint}/{bucket}/{quoted_key}"
        else:
            post_url, url = f"{scheme}://{bucket}.{endpoint}/", f"http://{bucket}.{endpoint}/{quoted_key}"
        fields = [("OSSAccessKeyId", str(auth["AccessKeyId"])), ("policy", str(auth["EncodedPolicy"])),
                  ("Signature", str(auth["Signature"])), ("key", key), ("success_action_status", "201")]
        body = _MultipartBody(fields, path, os.path.basename(key) or "clip", progress)
        response = self.rpc.session.post(post_url, data=body, headers={"Content-Type": body.content_type}, timeout=(10, 600))
        if response.status_code >= 300:
            try:
                err = parse_xml(response.content)
            except Exception:
                err = {}
            code = str(err.get("Code") or f"HTTP{response.status_code}")
            mapped = "InternalServerError" if response.status_code >= 500 else "InvalidFile.Unsafe"
            raise MatteboxError(mapped, f"OSS PostObject refused the temporary upload: {code}: {err.get('Message', '')}",
                                request_id=err.get("RequestId") or None)
        return Uploaded(url, bucket, key, False)

