"""Verifying RPC requests as the service does: both signature styles, nonces and timestamps.

v1 (HMAC-SHA1) carries ``AccessKeyId``, ``Signature``, ``SignatureNonce`` and ``Timestamp`` among the
parameters (query or form); V3 (ACS3-HMAC-SHA256) carries them in the ``Authorization`` and
``x-acs-*`` headers and signs the body's SHA-256. Either way a request is refused with the service's
common codes: ``InvalidAccessKeyId.NotFound``, ``SignatureDoesNotMatch``, ``SignatureNonceUsed``,
``InvalidTimeStamp.Expired``, ``MissingParameter``.
"""

from __future__ import annotations

import calendar
import hmac
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping

from ..signing import hex_sha256, parse_v3_authorization, rpc_signature, v3_canonical_request, v3_signature
from .protocol import ServiceError

__all__ = ["Account", "RpcAuthenticator", "VerifiedRequest"]

# Parameters of the v1 style that are not the action's own.
V1_COMMON = frozenset({
    "Action", "Version", "Format", "AccessKeyId", "SignatureMethod", "SignatureVersion",
    "SignatureNonce", "Timestamp", "Signature", "SecurityToken", "SignatureType",
})
# Headers a V3 request must sign.
V3_REQUIRED_SIGNED = ("host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256")


@dataclass(frozen=True)
class Account:
    """An AccessKey the emulator accepts (``security_token``: required with it, if set)."""

    access_key_id: str
    secret: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)


@dataclass
class VerifiedRequest:
    """A request whose signature checked out."""

    style: str  # "v1" or "v3"
    access_key_id: str
    action: str
    version: str
    fmt: str  # "JSON" or "XML"
    params: dict[str, str]  # the action's own parameters


def _parse_timestamp(value: str, name: str) -> float:
    try:
        return float(calendar.timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        raise ServiceError(400, "InvalidTimeStamp.Format", f"Specified time stamp or date value {name}={value!r} is not well formatted.") from None


class RpcAuthenticator:
    """Checks signatures, nonces (kept for the skew window) and timestamps (± ``skew_s``)."""

    def __init__(self, accounts: Mapping[str, Account], *, skew_s: float = 900.0, clock: Callable[[], float] = time.time) -> None:
        self.accounts = dict(accounts)
        self.skew_s = skew_s
        self.clock = clock
        self._nonces: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def verify(self, method: str, path: str, query: Mapping[str, str], form: Mapping[str, str],
               headers: Mapping[str, str], body: bytes) -> VerifiedRequest:
        """Verify one request. ``headers`` are lower-cased, duplicates joined (sorted) with ``,``."""
        auth = headers.get("authorization", "")
        if auth.startswith("ACS3-"):
            return self._verify_v3(method, path, query, form, headers, body, auth)
        return self._verify_v1(method, query, form)

    # -- common checks -------------------------------------------------------------------------

    def _account(self, access_key_id: str, token: str | None) -> Account:
        account = self.accounts.get(access_key_id)
        if account is None:
            raise ServiceError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        if account.security_token is not None and token != account.security_token:
            raise ServiceError(400, "InvalidSecurityToken.Mismatch", "Specified SecurityToken is not valid.")
        return account

    def _check_time_and_nonce(self, access_key_id: str, stamp: str, stamp_name: str, nonce: str) -> None:
        now = self.clock()
        when = _parse_timestamp(stamp, stamp_name)
        if abs(now - when) > self.skew_s:
            raise ServiceError(400, "InvalidTimeStamp.Expired", f"Specified time stamp or date value is expired ({stamp_name}={stamp}).")
        with self._lock:
            for key in [k for k, t in self._nonces.items() if now - t > 2 * self.skew_s]:
                del self._nonces[key]
            if (access_key_id, nonce) in self._nonces:
                raise ServiceError(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
            self._nonces[(access_key_id, nonce)] = now

    @staticmethod
    def _require(params: Mapping[str, str], names: tuple[str, ...]) -> None:
        for name in names:
            if not params.get(name):
                raise ServiceError(400, "MissingParameter", f'The input parameter "{name}" that is mandatory for processing this request is not supplied.')

    # -- the two styles --------------------------------------------------------------------------

    def _verify_v1(self, method: str, query: Mapping[str, str], form: Mapping[str, str]) -> VerifiedRequest:
        params = {**query, **form}
        self._require(params, ("AccessKeyId", "Signature", "SignatureNonce", "Timestamp", "Action", "Version"))
        if params.get("SignatureMethod", "HMAC-SHA1") != "HMAC-SHA1" or params.get("SignatureVersion", "1.0") != "1.0":
            raise ServiceError(400, "InvalidParameter", "SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0.")
        account = self._account(params["AccessKeyId"], params.get("SecurityToken"))
        expected = rpc_signature(account.secret, method, params)
        if not hmac.compare_digest(expected, params["Signature"]):
            raise ServiceError(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
        self._check_time_and_nonce(account.access_key_id, params["Timestamp"], "Timestamp", params["SignatureNonce"])
        own = {k: v for k, v in params.items() if k not in V1_COMMON}
        return VerifiedRequest("v1", account.access_key_id, params["Action"], params["Version"],
                               str(params.get("Format") or "JSON").upper(), own)

    def _verify_v3(self, method: str, path: str, query: Mapping[str, str], form: Mapping[str, str],
                   headers: Mapping[str, str], body: bytes, auth: str) -> VerifiedRequest:
        parsed = parse_v3_authorization(auth)
        if parsed is None:
            raise ServiceError(400, "IncompleteSignature", "The Authorization header is not a valid ACS3-HMAC-SHA256 signature.")
        self._require(headers, ("x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"))
        missing = [h for h in V3_REQUIRED_SIGNED if h not in parsed.signed_headers]
        if missing:
            raise ServiceError(400, "IncompleteSignature", f"These headers must be signed: {', '.join(missing)}.")
        account = self._account(parsed.access_key_id, headers.get("x-acs-security-token"))
        payload = hex_sha256(body)
        if headers["x-acs-content-sha256"].lower() != payload:
            raise ServiceError(400, "SignatureDoesNotMatch", "x-acs-content-sha256 does not match the request body.")
        canonical = v3_canonical_request(method, path, query, headers, parsed.signed_headers, payload)
        if not hmac.compare_digest(v3_signature(account.secret, canonical), parsed.signature):
            raise ServiceError(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
        self._check_time_and_nonce(account.access_key_id, headers["x-acs-date"], "x-acs-date", headers["x-acs-signature-nonce"])
        params = {**query, **form}
        fmt = str(params.pop("Format", "") or ("XML" if "xml" in headers.get("accept", "") else "JSON")).upper()
        return VerifiedRequest("v3", account.access_key_id, headers["x-acs-action"], headers["x-acs-version"], fmt, params)
