"""Check an ONNX model against its card before it is installed or run.

Every mismatch (a missing input or output, a wrong rank, a channel count that is not 3, a fixed
size that differs from the card's, a recurrent state without its partner) is collected, and one
:class:`~mattebox_onnx.errors.ModelError` lists them all, so a user fixing a card sees everything
at once.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from .card import ModelCard
from .errors import ModelError

__all__ = ["card_problems", "check_model_file", "open_cpu_session"]

log = logging.getLogger(__name__)


def open_cpu_session(path: str | os.PathLike) -> Any:
    """An onnxruntime CPU session on ``path``; a file ONNX Runtime cannot load raises :class:`ModelError`."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    opts.intra_op_num_threads = 1
    try:
        return ort.InferenceSession(os.fspath(path), sess_options=opts, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own Fail/InvalidProtobuf/… classes
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(
            f"{os.path.basename(os.fspath(path))} is not a loadable ONNX model ({first[:200]})",
            hint="download the file again; check it is the .onnx export, not a .pth/.tflite",
        ) from None


def card_problems(session: Any, card: ModelCard) -> list[str]:
    """Everything in ``session``'s inputs/outputs that contradicts ``card`` (empty when they match)."""
    inputs = {i.name: i for i in session.get_inputs()}
    outputs = {o.name: o for o in session.get_outputs()}
    problems: list[str] = []

    def dims(arg: Any) -> list[Any]:
        return list(arg.shape) if arg.shape is not None else []

    image = inputs.get(card.input_name)
    if image is None:
        problems.append(f"input {card.input_name!r} not found (the model has {', '.join(inputs) or 'none'})")
    else:
        shape = dims(image)
        if len(shape) != 4:
            problems.append(f"input {card.input_name!r} has rank {len(shape)}, the card expects a 4-D {card.layout} image")
        else:
            c = shape[1] if card.layout == "NCHW" else shape[3]
            h, w = (shape[2], shape[3]) if card.layout == "NCHW" else (shape[1], shape[2])
            if isinstance(c, int) and c != 3:
                problems.append(f"input {card.input_name!r} has {c} channels at the {card.layout} channel axis, not 3 (wrong layout?)")
            if card.size == "stretch":
                for got, want, axis in ((h, card.height, "height"), (w, card.width, "width")):
                    if isinstance(got, int) and got != want:
                        problems.append(f"input {card.input_name!r} {axis} is {got}, the card says {want}")
            elif isinstance(h, int) or isinstance(w, int):
                problems.append(f"input {card.input_name!r} has a fixed size {h}x{w}; the card's size policy {card.size!r} needs a dynamic one")
        if image.type not in ("tensor(float)", "tensor(float16)"):
            problems.append(f"input {card.input_name!r} is {image.type}; only float and float16 images are supported")
    if card.output_name not in outputs:
        problems.append(f"output {card.output_name!r} not found (the model has {', '.join(outputs) or 'none'})")
    if card.foreground_output and card.foreground_output not in outputs:
        problems.append(f"foreground output {card.foreground_output!r} not found")
    for state_in, state_out in card.recurrent:
        if state_in not in inputs:
            problems.append(f"recurrent input {state_in!r} not found")
        if state_out not in outputs:
            problems.append(f"recurrent output {state_out!r} not found")
    if card.ratio_input and card.ratio_input not in inputs:
        problems.append(f"downsample-ratio input {card.ratio_input!r} not found")
    known = {card.input_name, card.ratio_input, *(i for i, _ in card.recurrent)}
    extra = [name for name in inputs if name not in known]
    if extra:
        problems.append(f"the model has inputs the card does not feed: {', '.join(extra)}")
    return problems


def check_model_file(path: str | os.PathLike, card: ModelCard, *, label: str | None = None) -> None:
    """Load ``path`` on the CPU and raise :class:`ModelError` listing every mismatch with ``card``."""
    session = open_cpu_session(path)
    problems = card_problems(session, card)
    if problems:
        name = label or os.path.basename(os.fspath(path))
        raise ModelError(
            f"{name} does not match its model card: " + "; ".join(problems),
            hint="fix the card's names/layout/size (`mattebox models add NAME PATH --card CARD.toml`)",
        )
