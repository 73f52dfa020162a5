"""The three operations mattebox offers, named after the videoseg actions they mirror."""

from __future__ import annotations

import enum

__all__ = ["Task"]


class Task(str, enum.Enum):
    """A segmentation task. The value is the CLI name; :attr:`action` the videoseg action."""

    BODY = "body"
    HALFBODY = "halfbody"
    GREENSCREEN = "greenscreen"

    @property
    def action(self) -> str:
        """The videoseg API action that performs this task."""
        return {
            Task.BODY: "SegmentVideoBody",
            Task.HALFBODY: "SegmentHalfBody",
            Task.GREENSCREEN: "SegmentGreenScreenVideo",
        }[self]

    @property
    def label(self) -> str:
        """A short label for menus and panels."""
        return {Task.BODY: "Person", Task.HALFBODY: "Half body", Task.GREENSCREEN: "Key green screen"}[self]

    @classmethod
    def parse(cls, value: "str | Task") -> "Task":
        """Return the task named ``value``; raise ``MatteboxError(InvalidParameter)`` listing the choices."""
        from .errors import MatteboxError

        if isinstance(value, Task):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            choices = ", ".join(t.value for t in cls)
            raise MatteboxError("InvalidParameter", f"unknown task {value!r}; choose one of: {choices}") from None

    def __str__(self) -> str:
        return self.value
