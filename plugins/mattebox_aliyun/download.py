"""Downloading a result: streamed to disk, resumed with Range after a dropped connection.

Result URLs expire 30 minutes after the job finished; an expired URL (OSS answers 403
``AccessDenied: Request has expired``) is reported as ``Result.Expired`` with what to do about it.
A server that ignores the Range header is met by starting over from the first byte.
"""

from __future__ import annotations

import logging
import os
import random
import re
import time
from typing import Callable

import requests

from mattebox.errors import CancelledError, MatteboxError

from .client import RetryPolicy, parse_xml

__all__ = ["EXPIRED", "download"]

log = logging.getLogger(__name__)

EXPIRED = "Result.Expired"
_BLOCK = 1 << 20


def _expired_error(what: str) -> MatteboxError:
    return MatteboxError(
        EXPIRED, f"the result of {what} expired before it was downloaded (the service keeps results 30 minutes)",
        hint="`mattebox jobs resume ID` submits that part again (it is billed again); keep the machine awake during cloud jobs",
    )


def download(session: requests.Session, url: str, path: str, *, what: str = "the job", retry: RetryPolicy | None = None,
             cancelled: Callable[[], bool] = lambda: False, progress: Callable[[int, int], None] | None = None) -> int:
    """Download ``url`` to ``path`` (via ``path.part``, continuing a partial one); returns the bytes written."""
    retry = retry or RetryPolicy(attempts=8)
    rng = random.Random()
    part = path + ".part"
    failures = 0
    while True:
        if cancelled():
            raise CancelledError()
        offset = os.path.getsize(part) if os.path.exists(part) else 0
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        try:
            with session.get(url, headers=headers, stream=True, timeout=(10, 60)) as response:
                if response.status_code == 416 and offset:
                    os.remove(part)  # the partial file is longer than the object: start again
                    continue
                if response.status_code == 403:
                    body = response.content
                    fields = parse_xml(body) if body.strip().startswith(b"<") else {}
                    if "expired" in str(fields.get("Message", "")).lower():
                        raise _expired_error(what)
                    raise MatteboxError("InvalidFile.Download", f"the result of {what} cannot be downloaded: "
                                        f"{fields.get('Code', 'HTTP 403')}: {fields.get('Message', '')}",
                                        request_id=fields.get("RequestId") or None)
                if response.status_code == 404:
                    raise MatteboxError("InvalidFile.Download", f"the result of {what} is gone from OSS (404)",
                                        hint="`mattebox jobs resume ID` submits that part again")
                if response.status_code >= 400:
                    raise requests.HTTPError(f"HTTP {response.status_code}", response=response)
                if response.status_code == 200:
                    offset = 0  # a full answer: the server ignored (or we sent no) Range
                    total = int(response.headers.get("Content-Length", -1))
                else:
                    match = re.match(r"bytes (\d+)-\d+/(\d+)", response.headers.get("Content-Range", ""))
                    if not match or int(match.group(1)) != offset:
                        os.remove(part)
                        continue
                    total = int(match.group(2))
                with open(part, "ab" if offset else "wb") as fh:
                    done = offset
                    for block in response.iter_content(_BLOCK):
                        fh.write(block)
                        done += len(block)
                        if progress is not None and total > 0:
                            progress(done, total)
                        if cancelled():
                            raise CancelledError()
            size = os.path.getsize(part)
            if total < 0 or size == total:
                os.replace(part, path)
                return size
            raise requests.exceptions.ChunkedEncodingError(f"got {size} of {total} bytes")
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError, requests.HTTPError) as exc:
            failures += 1
            if failures >= retry.attempts:
                raise MatteboxError("InternalServerError", f"the download of the result of {what} kept failing ({type(exc).__name__})",
                                    hint="check the network; `mattebox jobs resume ID` continues the download") from None
            have = os.path.getsize(part) if os.path.exists(part) else 0
            delay = retry.delay(failures, rng)
            log.info("download of %s interrupted at %d bytes (%s); resuming in %.2f s", what, have, type(exc).__name__, delay)
            time.sleep(delay)
