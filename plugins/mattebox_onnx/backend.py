"""The ONNX backend as the core sees it: tasks, limits, options, and a processor per job.

Cheap to import (no onnxruntime): listing backends and building the CLI's ``--flags`` must not
load the runtime. The heavy work starts in :meth:`OnnxBackend.create` / the processor's ``prepare``.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from mattebox.backend import JobContext, Option, Processor, TaskSupport
from mattebox.errors import MatteboxError
from mattebox.limits import Limits
from mattebox.tasks import Task

from .limits import LIMITS
from .providers import PROVIDERS

__all__ = ["OnnxBackend"]


def _switch(value: str) -> bool:
    v = str(value).strip().lower()
    if v in ("on", "yes", "true", "1"):
        return True
    if v in ("off", "no", "false", "0"):
        return False
    raise ValueError(f"expected on or off, not {value!r}")


def _smoothing(value: str) -> float | None:
    if str(value).strip().lower() == "auto":
        return None
    v = float(value)
    if not 0.0 <= v <= 0.95:
        raise ValueError("smoothing must be auto or between 0 and 0.95")
    return v


def _non_negative_int(value: str) -> int:
    v = int(value)
    if v < 0:
        raise ValueError("must be 0 (automatic) or more")
    return v


def _ratio(value: str) -> float:
    v = float(value)
    if not 0.0 <= v <= 1.0:
        raise ValueError("the downsample ratio must be in (0, 1], or 0 for automatic")
    return v


_OPTIONS: tuple[Option, ...] = (
    Option("model", str, "auto", "model name (auto, selfie, selfie-landscape, rvm, modnet, or any installed name)"),
    Option("provider", str.lower, "auto", "ONNX Runtime execution provider", choices=("auto", *PROVIDERS)),
    Option("batch-size", _non_negative_int, 0, "frames per model run (0: 8 on a GPU, 1 on the CPU)"),
    Option("smoothing", _smoothing, None, "temporal smoothing 0..0.95, or auto (0.5; off for recurrent models)"),
    Option("refine-crop", _switch, True, "second model pass on a crop around the people (on/off)", choices=("on", "off")),
    Option("edge-radius", _non_negative_int, 0, "guided-filter radius in pixels (0: from the frame size)"),
    Option("downsample-ratio", _ratio, 0.0, "RVM's downsample ratio (0: from the resolution)"),
    Option("threads", _non_negative_int, 0, "CPU threads for ONNX Runtime (0: a quarter of the cores, at least 1)"),
)


class OnnxBackend:
    """Local neural person segmentation on ONNX Runtime (CPU, CUDA, TensorRT, CoreML, DirectML)."""

    name = "onnx"
    upright = True  # its models expect people upright: phone clips coded sideways are turned first
    description = "local neural person mattes on ONNX Runtime (MediaPipe selfie, Robust Video Matting, MODNet, any ONNX model with a card)"

    def tasks(self) -> Mapping[Task, TaskSupport]:
        return {
            Task.BODY: TaskSupport(True, "Robust Video Matting when installed, else MediaPipe selfie"),
            Task.HALFBODY: TaskSupport(True, "MediaPipe selfie (landscape for wide frames)"),
            Task.GREENSCREEN: TaskSupport(False, "use the keyer backend for green screens"),
        }

    def limits(self, task: Task) -> Limits:
        return LIMITS

    def options(self, task: Task) -> Sequence[Option]:
        return _OPTIONS

    def create(self, task: Task, options: Mapping[str, Any], context: JobContext) -> Processor:
        from .processor import OnnxProcessor, Settings
        from .selection import choose_model

        task = Task.parse(task)
        if task not in (Task.BODY, Task.HALFBODY):
            raise MatteboxError("Backend.TaskNotOffered", f"the onnx backend does not offer {task.value!r}", hint="use --backend keyer")
        values = {opt.key: opt.default for opt in _OPTIONS}
        values.update({k.replace("-", "_"): v for k, v in options.items()})
        video = context.source.video
        shown = video.orientation  # the frames arrive upright (``upright``): the model fits their shape
        width, height = shown.display_size(video.width, video.height) if shown is not None else (video.width, video.height)
        model, note = choose_model(task, width, height, str(values["model"]))
        settings = Settings(
            provider=str(values["provider"]), batch_size=int(values["batch_size"]), smoothing=values["smoothing"],
            refine_crop=bool(values["refine_crop"]), edge_radius=int(values["edge_radius"]),
            downsample_ratio=float(values["downsample_ratio"]), threads=int(values["threads"]),
        )
        return OnnxProcessor(model, settings, context, note=note)
