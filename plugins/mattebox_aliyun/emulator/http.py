"""The emulator's request and response values, independent of the HTTP server that carries them."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["HttpRequest", "HttpResponse"]


@dataclass
class HttpRequest:
    """One parsed request.

    :param path: the URL path, percent-decoded.
    :param query: query parameters, decoded (the last value wins for repeated names).
    :param headers: lower-cased names; repeated headers joined with ``,`` in sorted order.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""
    raw_path: str = ""


@dataclass
class HttpResponse:
    """An answer. ``file`` streams ``length`` bytes of a file from ``offset`` instead of ``body``.

    :param drop_after: close the connection after sending this many body bytes (a fault).
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    file: tuple[str, int, int] | None = None
    drop_after: int | None = None
