"""Errors in the videoseg vocabulary.

Every backend, local or remote, reports failures with the error codes of Alibaba Cloud's videoseg
API (``InvalidFile.Decode``, ``InternalServerError.Busy``, ...). A handful of conditions that only a
desktop tool meets (a cancelled job, a full disk) get codes in the same ``Family.Detail`` style; they
are marked ``local`` in :data:`ERROR_CODES`. The CLI prints ``Code: message`` plus the code's hint and
exits with the code's exit status; hosts show the same text.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ERROR_CODES",
    "BackendNotFoundError",
    "CancelledError",
    "ErrorCode",
    "LimitExceededError",
    "MatteboxError",
    "error_info",
]


@dataclass(frozen=True)
class ErrorCode:
    """What mattebox knows about one error code."""

    code: str
    http_status: int
    meaning: str
    hint: str
    local: bool = False  # not a videoseg code: a condition only a desktop tool meets


_URL_HINT = "regenerate the input URL in region cn-shanghai (mattebox uploads there for you)"
_PARAM_HINT = "check the value against `mattebox run --help` and the backend's limits (`mattebox plugins`)"
_FILE_HINT = "check that the file plays in a video player; re-export it as H.264 or ProRes in MP4/MOV"
_RETRY_HINT = "retry; if it persists, report the job id (and RequestId for the cloud backend)"

ERROR_CODES: dict[str, ErrorCode] = {
    e.code: e
    for e in [
        ErrorCode("InvalidParameter", 400, "illegal parameter", _PARAM_HINT),
        ErrorCode("InvalidParameter.Format", 400, "illegal parameter format", _PARAM_HINT),
        ErrorCode("MissingParameter", 400, "a required parameter is missing", _PARAM_HINT),
        ErrorCode("InvalidParameter.BadRequest", 400, "bad request", _PARAM_HINT),
        ErrorCode(
            "InvalidFile.Resolution", 400, "resolution outside the allowed range",
            "scale the clip into the backend's resolution range (the cloud backend's --fit does it)",
        ),
        ErrorCode("InvalidFile.Download", 400, "the file cannot be downloaded", "check the path or URL exists and is readable"),
        ErrorCode("InvalidFile.Decode", 400, "the file cannot be decoded", _FILE_HINT),
        ErrorCode("InvalidFile.Category", 400, "content category not allowed", "use a clip of the content the task expects"),
        ErrorCode("InvalidFile.Content", 400, "empty or unsuitable data", "the file holds no usable video frames; pick another clip or frame range"),
        ErrorCode("InvalidFile.Type", 400, "illegal file type", "give a video file (MP4, MOV, AVI, MKV, ...) with a video stream"),
        ErrorCode("InvalidFile.Unsafe", 400, "unsafe link", "use a plain file path or an OSS URL"),
        ErrorCode("InvalidFile.URL", 400, "illegal URL", _URL_HINT),
        ErrorCode("InvalidFile.Region", 400, "URL not in the required region", _URL_HINT),
        ErrorCode("InternalServerError", 500, "internal error", _RETRY_HINT),
        ErrorCode("InternalServerError.Model", 500, "the model failed to load", "run `mattebox doctor`; reinstall the model with `mattebox models install`"),
        ErrorCode("InternalServerError.Algo", 500, "the algorithm call failed", _RETRY_HINT),
        ErrorCode("InternalServerError.Busy", 500, "the algorithm service is busy", "retry in a moment"),
        ErrorCode("Throttling", 400, "request was throttled", "wait and retry; mattebox backs off automatically"),
        ErrorCode("InvalidAccessKeyId.NotFound", 404, "the AccessKey ID does not exist", "check ALIBABA_CLOUD_ACCESS_KEY_ID or your CLI profile"),
        ErrorCode("SignatureDoesNotMatch", 400, "the request signature does not match", "check the AccessKey secret; check the system clock"),
        ErrorCode("SignatureNonceUsed", 400, "the signature nonce was already used", _RETRY_HINT),
        ErrorCode("InvalidTimeStamp.Expired", 400, "the request timestamp expired", "set the system clock correctly (UTC)"),
        ErrorCode("InvalidTimeStamp.Format", 400, "the request timestamp is malformed", "report this as a mattebox bug"),
        ErrorCode("IncompleteSignature", 400, "the request signature is incomplete", "check the AccessKey ID and secret"),
        ErrorCode("InvalidSecurityToken.Mismatch", 400, "the STS security token does not match the AccessKey",
                  "refresh ALIBABA_CLOUD_SECURITY_TOKEN together with its AccessKey"),
        ErrorCode("InvalidAction.NotFound", 404, "the service does not offer this action",
                  "use a local backend for this task (`mattebox plugins`)"),
        ErrorCode("InvalidVersion", 400, "the service does not know this API version", "use a local backend for this task"),
        # Conditions of the cloud round trip that the service has no code for.
        ErrorCode("Request.Uncertain", 503, "the connection dropped after a submission was sent: the service may have accepted it",
                  "`mattebox jobs resume ID` submits it again (the service may bill that chunk twice)", local=True),
        ErrorCode("Result.Expired", 410, "the result URL expired before it was downloaded (results live 30 minutes)",
                  "`mattebox jobs resume ID` submits that chunk again", local=True),
        # Conditions of a desktop job that the service never meets.
        ErrorCode("Job.Cancelled", 499, "the job was cancelled", "run it again, or `mattebox jobs resume ID`", local=True),
        ErrorCode("Job.NotFound", 404, "no such job", "list jobs with `mattebox jobs list`", local=True),
        ErrorCode(
            "InvalidOutput.Path", 400, "the output path cannot be written",
            "create the output folder or pick a writable one; check the extension (`mattebox run --help`)",
            local=True,
        ),
        ErrorCode("InvalidOutput.DiskFull", 507, "no space left on the output disk", "free disk space or write elsewhere, then `mattebox jobs resume ID`", local=True),
        ErrorCode("Backend.NotFound", 400, "no such backend", "list backends with `mattebox plugins`", local=True),
        ErrorCode("Backend.TaskNotOffered", 400, "the backend does not offer this task", "pick another backend (`mattebox plugins` lists who offers what)", local=True),
    ]
}

# Exit statuses of the CLI, by code family: scripts and hosts can branch on them.
_EXIT_BY_FAMILY = {
    "InvalidParameter": 2,
    "MissingParameter": 2,
    "InvalidOutput": 2,
    "Backend": 2,
    "InvalidFile": 3,
    "InternalServerError": 4,
    "Throttling": 4,
    "InvalidAccessKeyId": 5,
    "SignatureDoesNotMatch": 5,
    "SignatureNonceUsed": 5,
    "InvalidTimeStamp": 5,
    "IncompleteSignature": 5,
    "InvalidSecurityToken": 5,
    "InvalidAction": 2,
    "InvalidVersion": 2,
    "Request": 4,
    "Result": 4,
    "Job": 1,
}


def error_info(code: str) -> ErrorCode:
    """Return what is known about ``code`` (unknown codes get a generic entry)."""
    if code in ERROR_CODES:
        return ERROR_CODES[code]
    family = code.split(".", 1)[0]
    base = ERROR_CODES.get(family)
    if base is not None:
        return ErrorCode(code, base.http_status, base.meaning, base.hint, base.local)
    return ErrorCode(code, 500, "error", _RETRY_HINT)


class MatteboxError(Exception):
    """A failure with a videoseg error code, a message for the user, and a hint.

    :param code: a videoseg error code such as ``InvalidFile.Decode``.
    :param message: what went wrong, naming the file/clip/parameter involved.
    :param hint: what to do; defaults to the code's hint.
    :param request_id: the service's RequestId, when a remote call failed.
    """

    def __init__(self, code: str, message: str, *, hint: str | None = None, request_id: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.hint = hint if hint is not None else error_info(code).hint
        self.request_id = request_id

    @property
    def exit_status(self) -> int:
        """The CLI's exit status for this error (never 0)."""
        if self.code == "Job.Cancelled":
            return 130
        return _EXIT_BY_FAMILY.get(self.code.split(".", 1)[0], 1)

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready form, as stored in the job store and printed in JSON progress."""
        data = {"code": self.code, "message": self.message, "hint": self.hint}
        if self.request_id:
            data["request_id"] = self.request_id
        return data

    def user_text(self) -> str:
        """``Code: message`` and the hint, as the CLI and hosts show it."""
        text = f"{self.code}: {self.message}"
        if self.request_id:
            text += f" (RequestId {self.request_id})"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class LimitExceededError(MatteboxError):
    """An input outside a backend's declared limits (raised before any work or upload)."""


class BackendNotFoundError(MatteboxError):
    """No backend of the requested name; the message lists the available ones."""

    def __init__(self, name: str, available: list[str]) -> None:
        super().__init__("Backend.NotFound", f"no backend named {name!r}; available: {', '.join(sorted(available)) or 'none'}")


class CancelledError(MatteboxError):
    """The job was cancelled by the user (Ctrl-C, Esc in a host, `mattebox jobs cancel`)."""

    def __init__(self, message: str = "cancelled by the user") -> None:
        super().__init__("Job.Cancelled", message)
