"""The keyer as the core sees it: task ``greenscreen``, generous limits, every parameter as an option.

Cheap to import: the algorithm's modules (OpenCV, numpy work) load when a job creates a processor.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from mattebox.backend import JobContext, Option, Processor, TaskSupport
from mattebox.errors import MatteboxError
from mattebox.limits import Limits
from mattebox.tasks import Task

from .settings import OPTIONS, settings_from_options

__all__ = ["KeyerBackend", "LIMITS"]

# Any container and codec PyAV decodes; the keyer itself has no size limit beyond memory.
LIMITS = Limits(min_side=16, max_width=8192, max_height=8192)


class KeyerBackend:
    """Local green- and blue-screen keyer: colour difference in linear light against a clean plate."""

    name = "keyer"
    description = (
        "local green/blue-screen keyer (linear-light colour difference, clean plate, edge refinement, despill)"
    )

    def tasks(self) -> Mapping[Task, TaskSupport]:
        return {
            Task.GREENSCREEN: TaskSupport(True, "green or blue screens, detected automatically"),
            Task.BODY: TaskSupport(False, "needs a person segmenter: use the onnx or aliyun backend"),
            Task.HALFBODY: TaskSupport(False, "needs a person segmenter: use the onnx or aliyun backend"),
        }

    def limits(self, task: Task) -> Limits:
        return LIMITS

    def options(self, task: Task) -> Sequence[Option]:
        return OPTIONS if task == Task.GREENSCREEN else ()

    def create(self, task: Task, options: Mapping[str, Any], context: JobContext) -> Processor:
        if task != Task.GREENSCREEN:
            raise MatteboxError(
                "InvalidParameter",
                f"the keyer backend does only greenscreen, not {task}",
                hint="use --backend onnx or --backend aliyun for person mattes",
            )
        try:
            settings = settings_from_options(options)
        except ValueError as exc:
            raise MatteboxError("InvalidParameter", f"keyer: {exc}") from None
        from .processor import KeyerProcessor, job_workers

        return KeyerProcessor(settings, workers=job_workers(), wants_foreground=getattr(context, "wants_foreground", True))
