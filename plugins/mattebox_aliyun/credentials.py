"""AccessKey credentials from the standard places, in order, with the secret kept out of sight.

1. explicit credentials handed to the backend (:class:`~mattebox_aliyun.backend.AliyunBackend`'s
   ``credentials``) — never job options, which the job store would keep;
2. the environment: ``ALIBABA_CLOUD_ACCESS_KEY_ID``, ``ALIBABA_CLOUD_ACCESS_KEY_SECRET`` and optionally
   ``ALIBABA_CLOUD_SECURITY_TOKEN``;
3. the Alibaba Cloud CLI's profile file ``~/.aliyun/config.json`` (profile ``--profile``, else
   ``ALIBABA_CLOUD_PROFILE``, else the file's ``current``; modes ``AK`` and ``StsToken``).

:class:`Credentials` never shows its secret or token in ``repr``, logs or error messages.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from mattebox.errors import MatteboxError

__all__ = ["Credentials", "cli_profile_path", "resolve_credentials"]

ENV_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ENV_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
ENV_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN"
ENV_PROFILE = "ALIBABA_CLOUD_PROFILE"
_HINT = (f"set {ENV_ID} and {ENV_SECRET}, or run `aliyun configure` (the Alibaba Cloud CLI) to write "
         "~/.aliyun/config.json; see the README's cloud section")


@dataclass(frozen=True)
class Credentials:
    """An AccessKey pair (and STS token). ``source`` says where it came from, for messages."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)
    source: str = "explicit"

    def __post_init__(self) -> None:
        if not self.access_key_id or not self.access_key_secret:
            raise MatteboxError("InvalidAccessKeyId.NotFound", f"incomplete AccessKey from {self.source}", hint=_HINT)

    def describe(self) -> str:
        """``LTAI…abcd from the environment``: enough to tell keys apart, never the secret."""
        key = self.access_key_id
        shown = key if len(key) <= 8 else f"{key[:4]}…{key[-4:]}"
        return f"{shown} from {self.source}" + (" (STS)" if self.security_token else "")


def cli_profile_path() -> Path:
    """The Alibaba Cloud CLI's configuration file."""
    return Path(os.path.expanduser("~")) / ".aliyun" / "config.json"


def _from_profile(path: Path, profile: str | None) -> Credentials | None:
    if not path.is_file():
        if profile:
            raise MatteboxError("InvalidAccessKeyId.NotFound", f"profile {profile!r} asked for, but {path} does not exist", hint=_HINT)
        return None
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MatteboxError("InvalidAccessKeyId.NotFound", f"cannot read {path}: {type(exc).__name__}", hint=_HINT) from None
    name = profile or os.environ.get(ENV_PROFILE) or config.get("current") or "default"
    profiles = {p.get("name"): p for p in config.get("profiles", []) if isinstance(p, dict)}
    entry = profiles.get(name)
    if entry is None:
        known = ", ".join(sorted(str(n) for n in profiles)) or "none"
        raise MatteboxError("InvalidAccessKeyId.NotFound", f"no profile {name!r} in {path}; profiles: {known}", hint=_HINT)
    mode = entry.get("mode", "AK")
    if mode not in ("AK", "StsToken"):
        raise MatteboxError("InvalidAccessKeyId.NotFound", f"profile {name!r} uses mode {mode}, which mattebox does not support",
                            hint="use a profile of mode AK or StsToken, or the environment variables")
    token = entry.get("sts_token") if mode == "StsToken" else None
    return Credentials(entry.get("access_key_id", ""), entry.get("access_key_secret", ""), token or None,
                       source=f"profile {name!r} in {path}")


def resolve_credentials(explicit: Credentials | None = None, *, profile: str | None = None,
                        profile_path: Path | None = None) -> Credentials:
    """The first credentials found: explicit, then the environment, then the CLI profile file.

    A named ``profile`` skips the environment (the user asked for that profile).
    Raises ``InvalidAccessKeyId.NotFound`` saying where it looked.
    """
    if explicit is not None:
        return explicit
    key_id, secret = os.environ.get(ENV_ID), os.environ.get(ENV_SECRET)
    if not profile and (key_id or secret):
        return Credentials(key_id or "", secret or "", os.environ.get(ENV_TOKEN) or None, source="the environment")
    path = profile_path or cli_profile_path()
    found = _from_profile(path, profile)
    if found is None:
        raise MatteboxError("InvalidAccessKeyId.NotFound", f"no AccessKey: {ENV_ID}/{ENV_SECRET} are not set and {path} does not exist",
                            hint=_HINT)
    return found
