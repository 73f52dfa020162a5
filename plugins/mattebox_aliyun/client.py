"""The RPC client: signed form POSTs on one ``requests.Session``, answers parsed, failures retried.

Every call is signed in V3 (ACS3-HMAC-SHA256, what Alibaba's own SDKs send) or, on request, the
classic v1 (HMAC-SHA1). JSON and XML answers are both understood. Every failure becomes a
:class:`~mattebox.errors.MatteboxError` with the service's code, message and RequestId.

Retries use exponential backoff with full jitter, on 5xx answers, ``InternalServerError.Busy``,
``Throttling*`` and connection errors — never on other 4xx. A call that must not run twice (a
submission, which is billed) is retried only when the failure proves the service never saw it:
after a connection that dropped *after* the request went out, it raises ``Request.Uncertain``
instead, so the caller can decide (a duplicate would be billed twice).
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import requests

from mattebox import __version__
from mattebox.errors import MatteboxError

from .credentials import Credentials
from .signing import hex_sha256, new_nonce, rpc_signature, utc_timestamp, v3_authorization

__all__ = ["RetryPolicy", "RpcClient", "UNCERTAIN", "is_retryable_code", "parse_xml"]

log = logging.getLogger(__name__)

UNCERTAIN = "Request.Uncertain"
"""Code of a non-idempotent call whose connection dropped after it was sent (it may have run)."""

_RETRY_CODES = ("InternalServerError", "Throttling", "ServiceUnavailable")


def is_retryable_code(code: str) -> bool:
    """True for the service's "try again" codes (``InternalServerError.Busy``, ``Throttling.User``, ...)."""
    return any(code == c or code.startswith(c + ".") for c in _RETRY_CODES)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(cap_s, base_s·2ⁿ))."""

    attempts: int = 6
    base_s: float = 0.5
    cap_s: float = 20.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0.0, min(self.cap_s, self.base_s * (2 ** attempt)))


def parse_xml(text: bytes | str) -> dict[str, Any]:
    """An XML answer as nested dicts (repeated elements become lists; the root element is dropped)."""
    def convert(el: ET.Element) -> Any:
        children = list(el)
        if not children:
            return el.text or ""
        out: dict[str, Any] = {}
        for child in children:
            value = convert(child)
            if child.tag in out:
                if not isinstance(out[child.tag], list):
                    out[child.tag] = [out[child.tag]]
                out[child.tag].append(value)
            else:
                out[child.tag] = value
        return out

    root = ET.fromstring(text)
    value = convert(root)
    return value if isinstance(value, dict) else {}


def _not_sent(exc: requests.RequestException) -> bool:
    """True when the request provably never reached the server (no connection was made)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    text = repr(exc)
    return isinstance(exc, requests.ConnectionError) and ("NewConnectionError" in text or "ConnectTimeoutError" in text
                                                         or "NameResolutionError" in text)


class RpcClient:
    """Signed RPC calls to Alibaba Cloud endpoints.

    :param signature: ``v3`` (default) or ``v1``.
    :param fmt: ``JSON`` (default) or ``XML`` answers.
    :param should_stop: checked between retries (a cancelled job stops waiting).
    """

    def __init__(self, credentials: Credentials, *, session: requests.Session | None = None, signature: str = "v3",
                 fmt: str = "JSON", retry: RetryPolicy | None = None, timeout: tuple[float, float] = (10.0, 60.0),
                 should_stop: Callable[[], bool] | None = None, seed: int | None = None) -> None:
        if signature not in ("v1", "v3"):
            raise MatteboxError("InvalidParameter", f"signature {signature!r}: choose v1 or v3")
        self.credentials = credentials
        self.session = session or requests.Session()
        self.signature = signature
        self.fmt = fmt.upper()
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.should_stop = should_stop or (lambda: False)
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.user_agent = f"mattebox/{__version__} python-requests/{requests.__version__}"
        self.stats = {"calls": 0, "retries": 0}

    # -- requests --------------------------------------------------------------------------------

    def _prepare(self, endpoint: str, action: str, version: str, params: Mapping[str, str]) -> tuple[str, bytes, dict[str, str]]:
        host = urllib.parse.urlsplit(endpoint).netloc
        creds = self.credentials
        if self.signature == "v1":
            all_params = {"Action": action, "Version": version, "Format": self.fmt, "AccessKeyId": creds.access_key_id,
                          "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "SignatureNonce": new_nonce(),
                          "Timestamp": utc_timestamp(), **params}
            if creds.security_token:
                all_params["SecurityToken"] = creds.security_token
            all_params["Signature"] = rpc_signature(creds.access_key_secret, "POST", all_params)
            body = urllib.parse.urlencode(all_params, quote_via=urllib.parse.quote).encode()
            headers = {"content-type": "application/x-www-form-urlencoded", "user-agent": self.user_agent}
            return endpoint.rstrip("/") + "/", body, headers
        body = urllib.parse.urlencode(dict(params), quote_via=urllib.parse.quote).encode()
        signed = {
            "host": host, "x-acs-action": action, "x-acs-version": version, "x-acs-date": utc_timestamp(),
            "x-acs-signature-nonce": new_nonce(), "x-acs-content-sha256": hex_sha256(body),
            "content-type": "application/x-www-form-urlencoded", "user-agent": self.user_agent,
            "accept": "application/xml" if self.fmt == "XML" else "application/json",
        }
        if creds.security_token:
            signed["x-acs-accesskey-id"] = creds.access_key_id
            signed["x-acs-security-token"] = creds.security_token
        headers = dict(signed)
        headers["Authorization"] = v3_authorization(creds.access_key_id, creds.access_key_secret, "POST", "/", {}, signed,
                                                    signed["x-acs-content-sha256"])
        return endpoint.rstrip("/") + "/", body, headers

    @staticmethod
    def _parse(response: requests.Response) -> dict[str, Any]:
        ctype = response.headers.get("content-type", "")
        text = response.content
        if "xml" in ctype or text.lstrip().startswith(b"<"):
            return parse_xml(text)
        return json.loads(text or b"{}")

    def _error(self, action: str, response: requests.Response) -> MatteboxError:
        try:
            data = self._parse(response)
        except (ValueError, ET.ParseError):
            data = {}
        code = str(data.get("Code") or data.get("code") or ("InternalServerError" if response.status_code >= 500 else "InvalidParameter"))
        message = str(data.get("Message") or data.get("message") or f"HTTP {response.status_code}")
        request_id = data.get("RequestId") or response.headers.get("x-acs-request-id")
        err = MatteboxError(code, f"{action}: {message}", request_id=request_id or None)
        err.http_status = response.status_code  # type: ignore[attr-defined]
        return err

    def call(self, endpoint: str, action: str, version: str, params: Mapping[str, str], *, idempotent: bool = True) -> dict[str, Any]:
        """Call ``action`` and return the parsed answer; retries what is safe to retry.

        :param idempotent: ``False`` for calls that must not run twice (submissions).
        """
        attempt = 0
        while True:
            url, body, headers = self._prepare(endpoint, action, version, params)
            self.stats["calls"] += 1
            try:
                response = self.session.post(url, data=body, headers=headers, timeout=self.timeout)
            except requests.RequestException as exc:
                if not idempotent and not _not_sent(exc):
                    raise MatteboxError(
                        UNCERTAIN, f"{action}: the connection failed after the request was sent ({type(exc).__name__}); "
                        "the service may have accepted it",
                        hint="`mattebox jobs resume ID` submits it again (the service may bill it twice)",
                    ) from None
                error = MatteboxError("InternalServerError", f"{action}: cannot reach {urllib.parse.urlsplit(url).netloc} "
                                      f"({type(exc).__name__})", hint="check the network connection; mattebox retried")
            else:
                if response.status_code < 400:
                    return self._parse(response)
                error = self._error(action, response)
                if not (response.status_code >= 500 or is_retryable_code(error.code)):
                    raise error
            attempt += 1
            if attempt >= self.retry.attempts or self.should_stop():
                raise error
            delay = self.retry.delay(attempt, self._rng)
            self.stats["retries"] += 1
            log.info("%s failed (%s); retry %d/%d in %.2f s", action, error.code, attempt, self.retry.attempts - 1, delay)
            deadline = time.monotonic() + delay
            while (left := deadline - time.monotonic()) > 0:
                if self.should_stop():
                    raise error
                time.sleep(min(left, 0.2))
