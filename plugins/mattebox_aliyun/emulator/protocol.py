"""The emulator's wire formats: service errors and JSON/XML bodies as Alibaba Cloud writes them.

RPC answers are JSON by default and XML when ``Format=XML`` (v1) or ``Accept: application/xml`` (V3):
success bodies are the action's fields under a ``<{Action}Response>`` root, errors are
``{"RequestId", "HostId", "Code", "Message"}`` (XML: ``<Error>``). OSS always answers errors in XML.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["ServiceError", "encode_body", "new_request_id", "oss_error_xml", "to_xml"]


def new_request_id() -> str:
    """A RequestId in the service's upper-case UUID form."""
    return str(uuid.uuid4()).upper()


class ServiceError(Exception):
    """An error answer: HTTP ``status``, service ``code`` and ``message``."""

    def __init__(self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def _xml_value(name: str, value: Any) -> str:
    if isinstance(value, dict):
        inner = "".join(_xml_value(k, v) for k, v in value.items())
        return f"<{name}>{inner}</{name}>"
    if isinstance(value, list):
        return "".join(_xml_value(name, v) for v in value)
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{name}>{escape('' if value is None else str(value))}</{name}>"


def to_xml(root: str, fields: dict[str, Any]) -> str:
    """``fields`` as an XML document under ``root``."""
    return '<?xml version="1.0" encoding="UTF-8"?>' + _xml_value(root, fields)


def encode_body(root: str, fields: dict[str, Any], fmt: str) -> tuple[bytes, str]:
    """Body bytes and content type for ``fields`` in ``fmt`` (``JSON`` or ``XML``)."""
    if fmt == "XML":
        return to_xml(root, fields).encode("utf-8"), "text/xml;charset=utf-8"
    return json.dumps(fields, ensure_ascii=False).encode("utf-8"), "application/json;charset=utf-8"


def oss_error_xml(code: str, message: str, request_id: str, host_id: str, **extra: str) -> bytes:
    """An OSS ``<Error>`` document."""
    fields: dict[str, Any] = {"Code": code, "Message": message, "RequestId": request_id, "HostId": host_id, **extra}
    return to_xml("Error", fields).encode("utf-8")
