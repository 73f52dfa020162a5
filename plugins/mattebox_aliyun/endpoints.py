"""Where the backend talks to: the videoseg API, the open platform (temporary uploads) and OSS.

The defaults are the cn-shanghai endpoints, the only region the service reads from. One URL given
with ``--endpoint`` or ``MATTEBOX_ALIYUN_ENDPOINT`` replaces all three (the emulator serves them on
one port).
"""

from __future__ import annotations

import ipaddress
import os
import urllib.parse
from dataclasses import dataclass

from mattebox.errors import MatteboxError

__all__ = ["ENV_ENDPOINT", "Endpoints", "is_ip_endpoint"]

ENV_ENDPOINT = "MATTEBOX_ALIYUN_ENDPOINT"


def is_ip_endpoint(netloc: str) -> bool:
    """True for ``127.0.0.1:P``/``localhost`` endpoints, which OSS addresses path-style."""
    host = netloc.rsplit(":", 1)[0].strip("[]") if netloc.count(":") <= 1 else netloc.strip("[]")
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _normalise(url: str, what: str) -> str:
    url = url.strip()
    if "://" not in url:
        url = "https://" + url
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise MatteboxError("InvalidParameter", f"{what} {url!r} is not an http(s) URL")
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Endpoints:
    """Base URLs (``scheme://host[:port]``) of the three services."""

    videoseg: str = "https://videoseg.cn-shanghai.aliyuncs.com"
    openplatform: str = "https://openplatform.cn-shanghai.aliyuncs.com"
    oss: str = "https://oss-cn-shanghai.aliyuncs.com"

    @classmethod
    def resolve(cls, endpoint: str | None = None, oss_endpoint: str | None = None) -> "Endpoints":
        """From the ``endpoint`` option, else ``MATTEBOX_ALIYUN_ENDPOINT``, else the cn-shanghai defaults."""
        base = endpoint or os.environ.get(ENV_ENDPOINT)
        if base:
            url = _normalise(base, "--endpoint")
            found = cls(url, url, url)
        else:
            found = cls()
        if oss_endpoint:
            found = cls(found.videoseg, found.openplatform, _normalise(oss_endpoint, "--oss-endpoint"))
        return found

    @property
    def is_local(self) -> bool:
        """True when pointed at an emulator on an IP address (path-style OSS)."""
        return is_ip_endpoint(urllib.parse.urlsplit(self.oss).netloc)

    def check_oss_region(self) -> None:
        """Refuse an OSS endpoint outside cn-shanghai before uploading (``InvalidFile.Region``)."""
        netloc = urllib.parse.urlsplit(self.oss).netloc
        if is_ip_endpoint(netloc):
            return
        if not netloc.split(".")[0].startswith("oss-cn-shanghai"):
            raise MatteboxError("InvalidFile.Region", f"the OSS endpoint {netloc} is not in region cn-shanghai, the only region the service reads",
                                hint="use a bucket in cn-shanghai (--oss-endpoint oss-cn-shanghai.aliyuncs.com) or no bucket "
                                     "(the platform's temporary upload)")
