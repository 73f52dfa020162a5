"""Test helpers: raw signed RPC calls (independent of the backend's client) and OSS uploads with oss2."""

from __future__ import annotations

import urllib.parse

import requests

from mattebox_aliyun.signing import hex_sha256, new_nonce, rpc_signature, utc_timestamp, v3_authorization

# the emulator account every test uses (the secret must never show up in logs, errors or files)
ACCESS_KEY_ID = "LTAI5tTestKeyId"
ACCESS_KEY_SECRET = "test-secret-do-not-log-0123456789"


def call_v1(url: str, action: str, params: dict, key_id: str, secret: str, *, method: str = "POST", version: str = "2020-03-20",
            fmt: str = "JSON", nonce: str | None = None, timestamp: str | None = None, sign_secret: str | None = None) -> requests.Response:
    """One RPC v1 request (HMAC-SHA1; parameters in the form body for POST, in the query for GET)."""
    common = {"Action": action, "Version": version, "Format": fmt, "AccessKeyId": key_id, "SignatureMethod": "HMAC-SHA1",
              "SignatureVersion": "1.0", "SignatureNonce": nonce or new_nonce(), "Timestamp": timestamp or utc_timestamp(),
              "RegionId": "cn-shanghai"}
    all_params = {**common, **params}
    all_params["Signature"] = rpc_signature(sign_secret or secret, method, all_params)
    if method == "GET":
        return requests.get(url + "/?" + urllib.parse.urlencode(all_params, quote_via=urllib.parse.quote), timeout=30)
    return requests.post(url + "/", data=all_params, timeout=30)


def call_v3(url: str, action: str, params: dict, key_id: str, secret: str, *, version: str = "2020-03-20",
            nonce: str | None = None, date: str | None = None, accept: str = "application/json",
            sign_secret: str | None = None, body_override: bytes | None = None) -> requests.Response:
    """One V3 request (ACS3-HMAC-SHA256), shaped like the official SDK's: form body, x-acs-* headers."""
    body = urllib.parse.urlencode(params, quote_via=urllib.parse.quote).encode()
    host = urllib.parse.urlsplit(url).netloc
    headers = {"host": host, "x-acs-action": action, "x-acs-version": version, "x-acs-date": date or utc_timestamp(),
               "x-acs-signature-nonce": nonce or new_nonce(), "x-acs-content-sha256": hex_sha256(body),
               "content-type": "application/x-www-form-urlencoded", "accept": accept}
    headers["Authorization"] = v3_authorization(key_id, sign_secret or secret, "POST", "/", {}, headers, hex_sha256(body))
    return requests.post(url + "/", data=body_override if body_override is not None else body, headers=headers, timeout=30)


def upload(emulator, path: str, key: str, bucket: str = "user-bucket", *, key_id: str, secret: str, expires: int = 600) -> str:
    """Put ``path`` into the emulator's OSS with oss2 and return a signed GET URL for it."""
    import oss2

    b = oss2.Bucket(oss2.Auth(key_id, secret), emulator.url, bucket)
    b.put_object_from_file(key, path)
    return b.sign_url("GET", key, expires)


from mattebox_aliyun.emulator.engine import LumaEngine  # noqa: E402  (re-exported for the tests)

__all__ = ["LumaEngine", "call_v1", "call_v3", "read_matte_indices", "upload"]

def read_matte_indices(path: str) -> list[int]:
    """The frame index each frame of a matte output shows (see :class:`LumaEngine`)."""
    import av
    import numpy as np
    from media_factory import read_index

    with av.open(path) as c:
        return [read_index(np.repeat(f.to_ndarray(format="gray")[..., None], 3, axis=2)) for f in c.decode(video=0)]
