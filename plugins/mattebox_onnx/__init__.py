"""mattebox backend: local neural person segmentation on ONNX Runtime (tasks ``body``, ``halfbody``).

Only hook implementations and cheap imports live here: onnxruntime is imported when a job starts
(or ``mattebox doctor`` asks), never when the plugin is loaded inside a host or listed.
Modules: ``backend`` (the Backend), ``processor`` (frames → mattes), ``runner`` (IO binding and
recurrent state), ``providers`` (execution-provider choice and fallback), ``preprocess`` and
``refine`` (per-model pre-processing, the crop second pass), ``tracking`` (the crop following the
people between whole-frame passes), ``upsample`` (guided upsampling along the matte's edges),
``store``/``install``/``catalog``/``card``/``validate`` (the model manager), ``convert``
(TFLite → ONNX), ``cli`` and ``doctor``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from mattebox import hookimpl

if TYPE_CHECKING:  # pragma: no cover
    import argparse

    from mattebox.backend import Backend
    from mattebox.tasks import Task


@hookimpl
def mattebox_backends() -> "Sequence[Backend]":
    from .backend import OnnxBackend

    return [OnnxBackend()]


@hookimpl(trylast=True)
def mattebox_default_backend(task: "Task") -> "str | None":
    """``onnx`` for the person tasks, unless another plugin claims them first."""
    return "onnx" if str(task) in ("body", "halfbody") else None


@hookimpl
def mattebox_add_commands(subparsers: "argparse._SubParsersAction") -> None:
    from .cli import add_models_command

    add_models_command(subparsers)


@hookimpl
def mattebox_doctor() -> "Sequence[tuple[str, str]]":
    from .doctor import doctor_lines

    return doctor_lines()
