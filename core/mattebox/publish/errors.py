"""Errors of the host side, in the runtime's vocabulary (videoseg codes such as ``InvalidFile.Decode``).

Host applications cannot import :mod:`mattebox.errors` (their Pythons may be as old as 3.6 and lack
the runtime's dependencies), so the host side has its own small error type with the same three
fields the runtime prints and stores: ``code``, ``message`` and ``hint``. A failed job's error comes
back from the runtime as exactly these fields; a problem the host finds itself (a missing file, a
trim outside the clip) uses the code the runtime would have answered.
"""

import logging

__all__ = ["PublishError", "ValidationError", "error_from_dict"]

log = logging.getLogger(__name__)

# Hints for the codes a host raises itself (the runtime sends its own hints with its errors).
_HINTS = {
    "InvalidFile.Download": "check that the file exists and is readable (relink the media if it moved)",
    "InvalidFile.Type": "use a movie strip or a single image; render image sequences to a movie first",
    "InvalidFile.Resolution": "scale the clip into the backend's resolution range",
    "InvalidParameter": "check the strip and the chosen options",
    "InvalidOutput.Path": "pick a writable output folder in the add-on preferences",
    "Runtime.NotFound": "install the mattebox runtime, then set its path in the add-on preferences or MATTEBOX_RUNTIME",
    "Runtime.Failed": "run `mattebox doctor` (the add-on's Check setup button) and report the job id",
    "Job.Cancelled": "run it again",
}


class PublishError(Exception):
    """A problem with one clip or job, as the artist sees it: ``Code: message`` and a hint.

    :param code: a videoseg error code (``InvalidFile.Resolution``) or a local one (``Job.Cancelled``).
    :param message: what went wrong, naming the clip.
    :param hint: what to do about it (defaults to a hint for the code, if one is known).
    :param subject: the label of the clip or instance concerned, if any.
    """

    def __init__(self, code, message, hint=None, subject=None):
        super().__init__("{}: {}".format(code, message))
        self.code = code
        self.message = message
        self.hint = hint if hint is not None else _HINTS.get(code, "")
        self.subject = subject

    def to_dict(self):
        """``{"code", "message", "hint"}``: the shape of the runtime's errors."""
        return {"code": self.code, "message": self.message, "hint": self.hint}

    def user_text(self):
        """``Code: message`` and the hint on a second line, as the CLI prints it."""
        text = "{}: {}".format(self.code, self.message)
        if self.hint:
            text += "\n  hint: {}".format(self.hint)
        return text


class ValidationError(PublishError):
    """One or more problems the artist can fix, found before any job starts.

    The first problem gives the code; the message lists every problem, one per line, so that one
    publish attempt shows everything that needs fixing.

    :param problems: the :class:`PublishError` objects found (at least one).
    """

    def __init__(self, problems, subject=None):
        problems = list(problems)
        if not problems:
            raise ValueError("a ValidationError needs at least one problem")
        first = problems[0]
        if len(problems) == 1:
            message = first.message
        else:
            message = "\n".join("- {}: {}".format(p.code, p.message) for p in problems)
        super().__init__(first.code, message, hint=first.hint, subject=subject or first.subject)
        self.problems = problems


def error_from_dict(data, subject=None, default_code="Runtime.Failed"):
    """A :class:`PublishError` from the runtime's ``{"code", "message", "hint"}`` (tolerant of missing keys)."""
    data = data or {}
    return PublishError(
        str(data.get("code") or default_code),
        str(data.get("message") or "the job failed without a message"),
        hint=data.get("hint"),
        subject=subject,
    )
