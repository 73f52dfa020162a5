"""The emulator's OSS endpoint, path-style (``/<bucket>/<key>``), as oss2 uses it for an IP endpoint.

It accepts PostObject (the platform's temporary upload: policy and signature checked), PutObject
and the multipart calls a resumable upload makes (OSS v1 header signatures checked), and serves
GET/HEAD with Range to requests signed in the header or in the URL (``OSSAccessKeyId``,
``Expires``, ``Signature``): an expired URL gets ``AccessDenied: Request has expired``. Errors are
OSS's XML ``<Error>`` documents.
"""

from __future__ import annotations

import base64
import calendar
import email.parser
import email.policy
import hashlib
import hmac
import json
import time
import urllib.parse
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from typing import Callable, Mapping

from .auth import Account
from .http import HttpRequest, HttpResponse
from .objects import ObjectStore, StoredObject
from .protocol import ServiceError, new_request_id, oss_error_xml, to_xml

__all__ = ["OssService", "sign_object_url"]

# Query parameters that are part of the signed resource (OSS signature v1).
SUBRESOURCES = frozenset({
    "acl", "uploads", "uploadId", "partNumber", "security-token", "x-oss-process", "objectMeta", "symlink",
    "tagging", "versionId", "append", "position", "restore", "delete", "response-content-type",
    "response-content-language", "response-expires", "response-cache-control", "response-content-disposition",
    "response-content-encoding",
})
_SKEW_S = 900.0
_HOST_ID = "oss-cn-shanghai.emulator"


def _resource(bucket: str, key: str, query: Mapping[str, str]) -> str:
    subs = sorted((k, v) for k, v in query.items() if k in SUBRESOURCES)
    tail = "&".join(f"{k}={v}" if v else k for k, v in subs)
    return f"/{bucket}/{key}" + (f"?{tail}" if tail else "")


def _string_to_sign(method: str, headers: Mapping[str, str], date: str, resource: str) -> str:
    oss_headers = "".join(f"{k}:{headers[k]}\n" for k in sorted(h for h in headers if h.startswith("x-oss-")))
    return "\n".join([method, headers.get("content-md5", ""), headers.get("content-type", ""), date, oss_headers + resource])


def _hmac_b64(secret: str, text: str) -> str:
    return base64.b64encode(hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha1).digest()).decode("ascii")


def sign_object_url(base_url: str, bucket: str, key: str, account: Account, expires_at: int) -> str:
    """A GET URL for ``bucket/key`` signed in the query (OSS v1), valid until ``expires_at``."""
    signature = _hmac_b64(account.secret, _string_to_sign("GET", {}, str(expires_at), f"/{bucket}/{key}"))
    query = urllib.parse.urlencode({"OSSAccessKeyId": account.access_key_id, "Expires": str(expires_at), "Signature": signature})
    return f"{base_url}/{bucket}/{urllib.parse.quote(key, safe='/')}?{query}"


class OssService:
    """Answers OSS requests against an :class:`ObjectStore`.

    :param accounts: AccessKeys that may sign requests (users' and the platform's).
    :param platform: the platform's key, which signs PostObject policies of temporary uploads.
    """

    def __init__(self, store: ObjectStore, accounts: Mapping[str, Account], platform: Account, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.accounts = accounts
        self.platform = platform
        self.clock = clock

    # -- entry point ---------------------------------------------------------------------------

    def handle(self, req: HttpRequest) -> HttpResponse:
        request_id = new_request_id()
        try:
            bucket, _, key = req.path.lstrip("/").partition("/")
            if not bucket:
                raise ServiceError(400, "InvalidBucketName", "The specified bucket is not valid.")
            response = self._route(req, bucket, key)
        except ServiceError as err:
            extra = {}
            if err.code == "SignatureDoesNotMatch":
                extra["OSSAccessKeyId"] = req.query.get("OSSAccessKeyId", "")
            body = oss_error_xml(err.code, err.message, request_id, _HOST_ID, **extra) if req.method != "HEAD" else b""
            response = HttpResponse(err.status, {"Content-Type": "application/xml", **err.headers}, body)
        response.headers.setdefault("x-oss-request-id", request_id)
        return response

    def _route(self, req: HttpRequest, bucket: str, key: str) -> HttpResponse:
        q = req.query
        if req.method == "POST" and not key and req.headers.get("content-type", "").startswith("multipart/form-data"):
            return self._post_object(req, bucket)
        if not key:
            raise ServiceError(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
        if req.method in ("GET", "HEAD"):
            obj = self._authorize_read(req, bucket, key)
            if "uploadId" in q:
                return self._list_parts(bucket, key, q)
            return self._serve(req, obj)
        self.authorize(req, bucket, key)
        if req.method == "PUT" and "uploadId" in q:
            return self._upload_part(req, q)
        if req.method == "PUT":
            obj = self.store.put(bucket, key, self._checked_body(req), req.headers.get("content-type", ""))
            return HttpResponse(200, {"ETag": f'"{obj.etag}"', "x-oss-hash-crc64ecma": str(obj.crc64),
                                      "Content-MD5": base64.b64encode(bytes.fromhex(obj.etag)).decode()})
        if req.method == "POST" and "uploads" in q:
            upload = self.store.initiate(bucket, key, req.headers.get("content-type", ""))
            xml = to_xml("InitiateMultipartUploadResult", {"Bucket": bucket, "Key": key, "UploadId": upload.upload_id})
            return HttpResponse(200, {"Content-Type": "application/xml"}, xml.encode())
        if req.method == "POST" and "uploadId" in q:
            return self._complete(req, bucket, key, q)
        if req.method == "DELETE" and "uploadId" in q:
            upload = self._upload_of(q)
            self.store.abort(upload)
            return HttpResponse(204)
        if req.method == "DELETE":
            self.store.delete(bucket, key)
            return HttpResponse(204)
        raise ServiceError(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")

    # -- authentication ------------------------------------------------------------------------

    def _account(self, access_key_id: str) -> Account:
        account = self.accounts.get(access_key_id)
        if account is None:
            raise ServiceError(403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.")
        return account

    def authorize(self, req: HttpRequest, bucket: str, key: str) -> Account:
        """Check a header (``Authorization: OSS id:sig``) or URL (``Signature=``) signature."""
        auth = req.headers.get("authorization", "")
        resource = _resource(bucket, key, req.query)
        if auth.startswith("OSS "):
            access_key_id, _, signature = auth[4:].partition(":")
            account = self._account(access_key_id.strip())
            date = req.headers.get("x-oss-date") or req.headers.get("date", "")
            try:
                when = parsedate_to_datetime(date).timestamp()
            except (TypeError, ValueError):
                raise ServiceError(403, "AccessDenied", "Missing or malformed Date header.") from None
            if abs(self.clock() - when) > _SKEW_S:
                raise ServiceError(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
            expected = _hmac_b64(account.secret, _string_to_sign(req.method, req.headers, date, resource))
        elif "Signature" in req.query and "OSSAccessKeyId" in req.query:
            account = self._account(req.query["OSSAccessKeyId"])
            expires = req.query.get("Expires", "")
            if not expires.isdigit():
                raise ServiceError(403, "AccessDenied", "Expires is missing or not a number.")
            if int(expires) < self.clock():
                raise ServiceError(403, "AccessDenied", "Request has expired.", headers={"x-oss-ec": "0002-00000069"})
            expected = _hmac_b64(account.secret, _string_to_sign(req.method, req.headers, expires, resource))
            signature = req.query["Signature"]
        else:
            raise ServiceError(403, "AccessDenied", "You have no right to access this object because of bucket acl.")
        if not hmac.compare_digest(expected, signature):
            raise ServiceError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
        return account

    def _authorize_read(self, req: HttpRequest, bucket: str, key: str) -> StoredObject | None:
        self.authorize(req, bucket, key)
        if "uploadId" in req.query:
            return None
        obj = self.store.get(bucket, key)
        if obj is None:
            raise ServiceError(404, "NoSuchKey", "The specified key does not exist.")
        return obj

    @staticmethod
    def _checked_body(req: HttpRequest) -> bytes:
        md5 = req.headers.get("content-md5")
        if md5 and base64.b64encode(hashlib.md5(req.body).digest()).decode() != md5:
            raise ServiceError(400, "InvalidDigest", "The Content-MD5 you specified was invalid.")
        return req.body

    # -- reading -------------------------------------------------------------------------------

    def _serve(self, req: HttpRequest, obj: StoredObject) -> HttpResponse:
        headers = {"Content-Type": obj.content_type, "ETag": f'"{obj.etag}"', "Accept-Ranges": "bytes",
                   "Last-Modified": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(obj.created)),
                   "x-oss-hash-crc64ecma": str(obj.crc64), "x-oss-object-type": "Normal"}
        start, end = 0, obj.size - 1
        status = 200
        rng = req.headers.get("range", "")
        if rng.startswith("bytes=") and "," not in rng:
            first, _, last = rng[6:].partition("-")
            try:
                if first == "":
                    start, end = max(0, obj.size - int(last)), obj.size - 1
                else:
                    start, end = int(first), (int(last) if last else obj.size - 1)
            except ValueError:
                start, end = 0, obj.size - 1
            else:
                if start >= obj.size:
                    raise ServiceError(416, "InvalidRange", "The requested range cannot be satisfied.",
                                       headers={"Content-Range": f"bytes */{obj.size}"})
                end = min(end, obj.size - 1)
                status = 206
                headers["Content-Range"] = f"bytes {start}-{end}/{obj.size}"
                headers.pop("x-oss-hash-crc64ecma")  # OSS reports the CRC of whole objects only
        length = max(0, end - start + 1)
        headers["Content-Length"] = str(length)
        if req.method == "HEAD":
            return HttpResponse(status, headers)
        return HttpResponse(status, headers, file=(obj.path, start, length))

    # -- multipart -----------------------------------------------------------------------------

    def _upload_of(self, q: Mapping[str, str]):
        upload = self.store.upload(q["uploadId"])
        if upload is None:
            raise ServiceError(404, "NoSuchUpload", "The specified upload does not exist.")
        return upload

    def _upload_part(self, req: HttpRequest, q: Mapping[str, str]) -> HttpResponse:
        upload = self._upload_of(q)
        try:
            number = int(q.get("partNumber", ""))
        except ValueError:
            raise ServiceError(400, "InvalidArgument", "partNumber is not a number.") from None
        if not 1 <= number <= 10000:
            raise ServiceError(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive.")
        part = self.store.put_part(upload, number, self._checked_body(req))
        return HttpResponse(200, {"ETag": f'"{part.etag}"', "x-oss-hash-crc64ecma": str(part.crc64)})

    def _list_parts(self, bucket: str, key: str, q: Mapping[str, str]) -> HttpResponse:
        upload = self._upload_of(q)
        marker = int(q.get("part-number-marker") or 0)
        max_parts = int(q.get("max-parts") or 1000)
        numbers = sorted(n for n in upload.parts if n > marker)
        shown, truncated = numbers[:max_parts], len(numbers) > max_parts
        parts = [{"PartNumber": n, "LastModified": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(upload.parts[n].created)),
                  "ETag": f'"{upload.parts[n].etag}"', "HashCrc64ecma": upload.parts[n].crc64, "Size": upload.parts[n].size}
                 for n in shown]
        fields = {"Bucket": bucket, "Key": key, "UploadId": upload.upload_id, "PartNumberMarker": marker,
                  "NextPartNumberMarker": shown[-1] if shown else marker, "MaxParts": max_parts,
                  "IsTruncated": truncated, "Part": parts}
        return HttpResponse(200, {"Content-Type": "application/xml"}, to_xml("ListPartsResult", fields).encode())

    def _complete(self, req: HttpRequest, bucket: str, key: str, q: Mapping[str, str]) -> HttpResponse:
        upload = self._upload_of(q)
        try:
            root = ET.fromstring(req.body)
            listed = [(int(p.findtext("PartNumber")), (p.findtext("ETag") or "").strip('"').upper()) for p in root.iter("Part")]
        except (ET.ParseError, TypeError, ValueError):
            raise ServiceError(400, "MalformedXML", "The XML you provided was not well-formed.") from None
        if not listed or [n for n, _ in listed] != sorted({n for n, _ in listed}):
            raise ServiceError(400, "InvalidPartOrder", "The list of parts was not in ascending order.")
        for number, etag in listed:
            part = upload.parts.get(number)
            if part is None or part.etag != etag:
                raise ServiceError(400, "InvalidPart", f"Part {number} was not uploaded or its ETag does not match.")
        obj = self.store.complete(upload, [n for n, _ in listed])
        xml = to_xml("CompleteMultipartUploadResult", {"Location": f"/{bucket}/{key}", "Bucket": bucket, "Key": key, "ETag": f'"{obj.etag}"'})
        return HttpResponse(200, {"Content-Type": "application/xml", "ETag": f'"{obj.etag}"',
                                  "x-oss-hash-crc64ecma": str(obj.crc64)}, xml.encode())

    # -- PostObject ----------------------------------------------------------------------------

    def _post_object(self, req: HttpRequest, bucket: str) -> HttpResponse:
        fields, file_data, file_type = _parse_form(req)
        for name in ("OSSAccessKeyId", "policy", "Signature", "key"):
            if name not in fields:
                raise ServiceError(400, "InvalidArgument", f"The form field {name} is missing.")
        if file_data is None:
            raise ServiceError(400, "InvalidArgument", "The form has no file field (it must come last).")
        account = self._account(fields["OSSAccessKeyId"])
        if not hmac.compare_digest(_hmac_b64(account.secret, fields["policy"]), fields["Signature"]):
            raise ServiceError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
        self._check_policy(fields["policy"], bucket, fields["key"], len(file_data))
        obj = self.store.put(bucket, fields["key"], file_data, file_type, platform=account.access_key_id == self.platform.access_key_id)
        status = int(fields.get("success_action_status") or 204)
        if status not in (200, 201, 204):
            status = 204
        headers = {"ETag": f'"{obj.etag}"', "x-oss-hash-crc64ecma": str(obj.crc64)}
        if status == 201:
            xml = to_xml("PostResponse", {"Bucket": bucket, "Location": f"/{bucket}/{fields['key']}", "Key": fields["key"], "ETag": f'"{obj.etag}"'})
            return HttpResponse(201, {"Content-Type": "application/xml", **headers}, xml.encode())
        return HttpResponse(status, headers)

    def _check_policy(self, encoded: str, bucket: str, key: str, size: int) -> None:
        def deny(why: str) -> ServiceError:
            return ServiceError(403, "AccessDenied", f"Invalid according to Policy: {why}")

        try:
            policy = json.loads(base64.b64decode(encoded))
            expiration = calendar.timegm(time.strptime(policy["expiration"][:19], "%Y-%m-%dT%H:%M:%S"))
        except (ValueError, KeyError, TypeError):
            raise ServiceError(400, "InvalidPolicyDocument", "Invalid Policy: the policy is not valid JSON with an expiration.") from None
        if expiration < self.clock():
            raise deny("Policy expired.")
        for cond in policy.get("conditions", []):
            if isinstance(cond, dict):
                for name, value in cond.items():
                    actual = {"bucket": bucket, "key": key}.get(name)
                    if actual is not None and actual != value:
                        raise deny(f"Policy Condition failed: [\"eq\", \"${name}\", \"{value}\"]")
            elif isinstance(cond, list) and len(cond) == 3:
                op, name, value = cond
                if op == "content-length-range" and not int(name) <= size <= int(value):
                    raise ServiceError(400, "EntityTooLarge" if size > int(value) else "EntityTooSmall",
                                       "Your proposed upload is outside the content-length-range of the policy.")
                actual = {"$bucket": bucket, "$key": key}.get(str(name))
                if op == "eq" and actual is not None and actual != value:
                    raise deny(f"Policy Condition failed: [\"eq\", \"{name}\", \"{value}\"]")
                if op == "starts-with" and actual is not None and not actual.startswith(value):
                    raise deny(f"Policy Condition failed: [\"starts-with\", \"{name}\", \"{value}\"]")


def _parse_form(req: HttpRequest) -> tuple[dict[str, str], bytes | None, str]:
    """The text fields and the file of a multipart/form-data body."""
    head = f"Content-Type: {req.headers.get('content-type', '')}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + req.body)
    if not message.is_multipart():
        raise ServiceError(400, "InvalidArgument", "The body is not multipart/form-data.")
    fields: dict[str, str] = {}
    file_data, file_type = None, ""
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        if name == "file":
            file_data, file_type = payload, part.get_content_type() if part.get("content-type") else ""
        else:
            fields[name] = payload.decode("utf-8")
    return fields, file_data, file_type
