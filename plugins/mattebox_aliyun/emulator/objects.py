"""The emulator's object storage: buckets created on first use, objects and multipart uploads on disk.

Each object keeps what OSS reports about it (size, ETag, CRC-64/ECMA as ``x-oss-hash-crc64ecma``,
content type). Multipart uploads keep their parts until completed or aborted, as OSS does, so an
interrupted resumable upload can list its parts and carry on.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
import uuid
from dataclasses import dataclass, field

import crcmod

__all__ = ["MultipartUpload", "ObjectStore", "StoredObject", "crc64"]

_CRC64_POLY = 0x142F0E1EBA9EA3693
_CRC64_XOROUT = 0xFFFFFFFFFFFFFFFF


def crc64(data: bytes) -> int:
    """CRC-64/ECMA-182 as OSS computes it."""
    crc = crcmod.Crc(_CRC64_POLY, initCrc=0, rev=True, xorOut=_CRC64_XOROUT)
    crc.update(data)
    return crc.crcValue


@dataclass
class StoredObject:
    """One object: where its bytes are and what OSS says about it."""

    bucket: str
    key: str
    path: str
    size: int
    etag: str  # without quotes, upper-case hex
    crc64: int
    content_type: str
    created: float = field(default_factory=time.time)
    platform: bool = False  # written through the platform's temporary upload (readable by the service)


@dataclass
class MultipartUpload:
    bucket: str
    key: str
    upload_id: str
    content_type: str
    parts: dict[int, StoredObject] = field(default_factory=dict)


class ObjectStore:
    """Buckets → objects on disk under ``root``; safe for concurrent requests."""

    def __init__(self, root: str) -> None:
        self.root = root
        os.makedirs(os.path.join(root, "data"), exist_ok=True)
        self._objects: dict[tuple[str, str], StoredObject] = {}
        self._uploads: dict[str, MultipartUpload] = {}
        self._lock = threading.Lock()

    def _blob(self, data: bytes, bucket: str, key: str, content_type: str, platform: bool = False) -> StoredObject:
        path = os.path.join(self.root, "data", uuid.uuid4().hex)
        with open(path, "wb") as fh:
            fh.write(data)
        return StoredObject(bucket, key, path, len(data), hashlib.md5(data).hexdigest().upper(), crc64(data),
                            content_type or "application/octet-stream", platform=platform)

    def put(self, bucket: str, key: str, data: bytes, content_type: str = "", *, platform: bool = False) -> StoredObject:
        """Store ``data`` as ``bucket/key`` (replacing any object there)."""
        obj = self._blob(data, bucket, key, content_type, platform)
        with self._lock:
            old = self._objects.get((bucket, key))
            self._objects[(bucket, key)] = obj
        if old is not None:
            _remove(old.path)
        return obj

    def put_file(self, bucket: str, key: str, source: str, content_type: str = "") -> StoredObject:
        """Store a local file (moved in) as ``bucket/key``."""
        path = os.path.join(self.root, "data", uuid.uuid4().hex)
        shutil.move(source, path)
        md5, crc, size = hashlib.md5(), crcmod.Crc(_CRC64_POLY, initCrc=0, rev=True, xorOut=_CRC64_XOROUT), 0
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                md5.update(block)
                crc.update(block)
                size += len(block)
        obj = StoredObject(bucket, key, path, size, md5.hexdigest().upper(), crc.crcValue, content_type or "application/octet-stream")
        with self._lock:
            self._objects[(bucket, key)] = obj
        return obj

    def get(self, bucket: str, key: str) -> StoredObject | None:
        with self._lock:
            return self._objects.get((bucket, key))

    def delete(self, bucket: str, key: str) -> bool:
        with self._lock:
            obj = self._objects.pop((bucket, key), None)
        if obj is not None:
            _remove(obj.path)
        return obj is not None

    def keys(self, bucket: str) -> list[str]:
        with self._lock:
            return sorted(k for b, k in self._objects if b == bucket)

    # -- multipart -------------------------------------------------------------------------------

    def initiate(self, bucket: str, key: str, content_type: str = "") -> MultipartUpload:
        upload = MultipartUpload(bucket, key, uuid.uuid4().hex.upper(), content_type)
        with self._lock:
            self._uploads[upload.upload_id] = upload
        return upload

    def uploads(self) -> list[MultipartUpload]:
        """Multipart uploads neither completed nor aborted."""
        with self._lock:
            return list(self._uploads.values())

    def upload(self, upload_id: str) -> MultipartUpload | None:
        with self._lock:
            return self._uploads.get(upload_id)

    def put_part(self, upload: MultipartUpload, number: int, data: bytes) -> StoredObject:
        part = self._blob(data, upload.bucket, upload.key, "")
        with self._lock:
            old = upload.parts.get(number)
            upload.parts[number] = part
        if old is not None:
            _remove(old.path)
        return part

    def complete(self, upload: MultipartUpload, numbers: list[int]) -> StoredObject:
        """Join the named parts in order into the object; the upload is gone afterwards."""
        path = os.path.join(self.root, "data", uuid.uuid4().hex)
        md5s = b""
        crc = crcmod.Crc(_CRC64_POLY, initCrc=0, rev=True, xorOut=_CRC64_XOROUT)
        size = 0
        with open(path, "wb") as out:
            for n in numbers:
                part = upload.parts[n]
                with open(part.path, "rb") as fh:
                    data = fh.read()
                out.write(data)
                crc.update(data)
                md5s += bytes.fromhex(part.etag)
                size += len(data)
        etag = hashlib.md5(md5s).hexdigest().upper() + f"-{len(numbers)}"
        obj = StoredObject(upload.bucket, upload.key, path, size, etag, crc.crcValue, upload.content_type or "application/octet-stream")
        with self._lock:
            self._uploads.pop(upload.upload_id, None)
            old = self._objects.get((upload.bucket, upload.key))
            self._objects[(upload.bucket, upload.key)] = obj
        for part in upload.parts.values():
            _remove(part.path)
        if old is not None:
            _remove(old.path)
        return obj

    def abort(self, upload: MultipartUpload) -> None:
        with self._lock:
            self._uploads.pop(upload.upload_id, None)
        for part in upload.parts.values():
            _remove(part.path)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
