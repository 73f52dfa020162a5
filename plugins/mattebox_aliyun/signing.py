"""Request signatures of Alibaba Cloud's RPC APIs: the classic v1 (HMAC-SHA1) and V3 (ACS3-HMAC-SHA256).

Both the client (which signs) and the emulator (which verifies) use these functions, so each style
is written once. v1 signs every parameter (query and form alike) with ``AccessKeySecret + "&"``;
V3 signs a canonical request built from the method, path, query, chosen headers and the body's
SHA-256, and puts the result in the ``Authorization`` header. The published test vectors and the
official ``alibabacloud_openapi_util`` signers are the reference (see the tests).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import urllib.parse
from dataclasses import dataclass
from typing import Mapping

__all__ = [
    "V3_ALGORITHM",
    "V3Authorization",
    "hex_sha256",
    "new_nonce",
    "parse_v3_authorization",
    "pct",
    "rpc_signature",
    "rpc_string_to_sign",
    "utc_timestamp",
    "v3_authorization",
    "v3_canonical_request",
    "v3_signature",
]

V3_ALGORITHM = "ACS3-HMAC-SHA256"


def pct(text: str) -> str:
    """Percent-encode UTF-8 as Alibaba Cloud signs it: ``A-Z a-z 0-9 - _ . ~`` stay, the rest is ``%XY``."""
    return urllib.parse.quote(text, safe="~", encoding="utf-8")


def utc_timestamp(at: float | None = None) -> str:
    """``YYYY-MM-DDThh:mm:ssZ`` in UTC, the format of ``Timestamp`` and ``x-acs-date``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if at is None else at))


def new_nonce() -> str:
    """A fresh ``SignatureNonce`` (replay protection: never reuse one)."""
    return secrets.token_hex(16)


def hex_sha256(data: bytes) -> str:
    """Lower-case hex SHA-256, as in ``x-acs-content-sha256``."""
    return hashlib.sha256(data).hexdigest()


# -- RPC v1 (HMAC-SHA1) -------------------------------------------------------------------------


def rpc_string_to_sign(method: str, params: Mapping[str, str]) -> str:
    """``METHOD&%2F&pct(canonical query)`` over every parameter except ``Signature``.

    :param params: every request parameter, query and form body together (values as strings).
    """
    keys = sorted(k for k in params if k != "Signature" and params[k] is not None)
    canonical = "&".join(f"{pct(k)}={pct(str(params[k]))}" for k in keys)
    return f"{method.upper()}&{pct('/')}&{pct(canonical)}"


def rpc_signature(secret: str, method: str, params: Mapping[str, str]) -> str:
    """``base64(HMAC-SHA1(secret + "&", StringToSign))``."""
    digest = hmac.new((secret + "&").encode("utf-8"), rpc_string_to_sign(method, params).encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


# -- V3 (ACS3-HMAC-SHA256) ----------------------------------------------------------------------


def _canonical_query(query: Mapping[str, str]) -> str:
    return "&".join(f"{pct(k)}={pct(str(query[k]))}" for k in sorted(query) if query[k] is not None)


def _canonical_headers(headers: Mapping[str, str], signed: list[str]) -> str:
    lowered: dict[str, list[str]] = {}
    for name, value in headers.items():
        lowered.setdefault(name.lower(), []).append(str(value).strip())
    return "".join(f"{name}:{','.join(sorted(lowered.get(name, [''])))}\n" for name in signed)


def v3_canonical_request(method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str],
                         signed_headers: list[str], payload_sha256: str) -> str:
    """The canonical request: method, URI, query, ``name:value`` lines (then a blank line), names, body hash.

    :param signed_headers: lower-case names of the signed headers (sorted here).
    """
    signed = sorted({h.lower() for h in signed_headers})
    return "\n".join([
        method.upper(), path or "/", _canonical_query(query), _canonical_headers(headers, signed), ";".join(signed),
        payload_sha256,
    ])


def v3_signature(secret: str, canonical_request: str) -> str:
    """hex(HMAC-SHA256(secret, ``ACS3-HMAC-SHA256\\n`` + hex SHA-256 of the canonical request))."""
    string_to_sign = f"{V3_ALGORITHM}\n{hex_sha256(canonical_request.encode('utf-8'))}"
    return hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def v3_authorization(access_key_id: str, secret: str, method: str, path: str, query: Mapping[str, str],
                     headers: Mapping[str, str], payload_sha256: str) -> str:
    """The ``Authorization`` value signing every header in ``headers`` (pass only those to sign)."""
    signed = sorted({h.lower() for h in headers})
    canonical = v3_canonical_request(method, path, query, headers, signed, payload_sha256)
    return f"{V3_ALGORITHM} Credential={access_key_id},SignedHeaders={';'.join(signed)},Signature={v3_signature(secret, canonical)}"


@dataclass(frozen=True)
class V3Authorization:
    """The parts of a V3 ``Authorization`` header."""

    access_key_id: str
    signed_headers: list[str]
    signature: str


def parse_v3_authorization(value: str) -> V3Authorization | None:
    """Split ``ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..``; ``None`` if malformed."""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != V3_ALGORITHM:
        return None
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, sep, val = part.strip().partition("=")
        if sep:
            fields[name] = val
    if not {"Credential", "SignedHeaders", "Signature"} <= fields.keys():
        return None
    names = [h for h in fields["SignedHeaders"].split(";") if h]
    return V3Authorization(fields["Credential"], names, fields["Signature"])
