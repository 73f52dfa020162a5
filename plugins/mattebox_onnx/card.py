"""Model cards: how to feed an ONNX model and read its matte, declared in a small TOML file.

A card names the image input, its layout (``NCHW``/``NHWC``), how the frame is sized for it
(``stretch`` to a fixed size with a perspective warp as MediaPipe does, ``short-side`` with both
sides rounded to a multiple as MODNet wants, or ``native`` full resolution as RVM takes it), the
normalisation ``(x/255 − mean)/std``, the alpha output with its layout, channel and activation,
and optional recurrent state pairs, a ``downsample_ratio`` input and a foreground output. The
built-in models carry their cards in :mod:`mattebox_onnx.catalog`; any other model gets one from
``mattebox models add NAME PATH --card CARD.toml``. Example::

    [input]
    name = "input"
    layout = "NCHW"
    size = "short-side"
    short_side = 512
    multiple = 32
    mean = [0.5, 0.5, 0.5]
    std = [0.5, 0.5, 0.5]

    [output]
    name = "output"
    activation = "none"
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Mapping

from mattebox.errors import MatteboxError

__all__ = ["ModelCard", "load_card", "parse_card"]

_LAYOUTS = ("NCHW", "NHWC")
_SIZES = ("stretch", "short-side", "native")
_ACTIVATIONS = ("none", "sigmoid", "softmax")


@dataclass(frozen=True)
class ModelCard:
    """Everything the runner needs to know about a model's inputs and outputs.

    :param input_name: the image input.
    :param layout: ``NCHW`` or ``NHWC`` for the image input (and outputs).
    :param size: ``stretch`` (to ``width``×``height``), ``short-side`` (to ``short_side``, sides
        multiples of ``multiple``) or ``native`` (the frame's own size, sides rounded to ``multiple``).
    :param mean: per-channel mean subtracted from RGB in 0..1; ``std`` divides after.
    :param output_name: the alpha (or logits) output; ``output_channel`` picks its channel.
    :param activation: applied to the output: ``none``, ``sigmoid``, ``softmax`` (over channels).
    :param recurrent: ``(input, output)`` state pairs carried frame to frame.
    :param ratio_input: a ``downsample_ratio`` input (always float32), chosen from the frame size.
    :param foreground_output: an output with the foreground colour (0..1, same layout), if any.
    :param temporal: True when the model itself is temporally stable (recurrent).
    """

    input_name: str
    output_name: str
    layout: str = "NCHW"
    size: str = "stretch"
    width: int = 256
    height: int = 256
    short_side: int = 512
    multiple: int = 1
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)
    output_layout: str = ""
    output_channel: int = 0
    activation: str = "none"
    recurrent: tuple[tuple[str, str], ...] = ()
    ratio_input: str | None = None
    foreground_output: str | None = None
    temporal: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = []
        if self.layout not in _LAYOUTS:
            problems.append(f"input.layout {self.layout!r} is not one of {', '.join(_LAYOUTS)}")
        if self.output_layout and self.output_layout not in _LAYOUTS:
            problems.append(f"output.layout {self.output_layout!r} is not one of {', '.join(_LAYOUTS)}")
        if self.size not in _SIZES:
            problems.append(f"input.size {self.size!r} is not one of {', '.join(_SIZES)}")
        if self.activation not in _ACTIVATIONS:
            problems.append(f"output.activation {self.activation!r} is not one of {', '.join(_ACTIVATIONS)}")
        if min(self.width, self.height, self.short_side, self.multiple) < 1:
            problems.append("sizes and multiple must be positive")
        if len(self.mean) != 3 or len(self.std) != 3 or any(s == 0 for s in self.std):
            problems.append("mean and std need three values, std non-zero")
        if problems:
            raise MatteboxError("InvalidParameter", "model card: " + "; ".join(problems), hint="fix the card (see `mattebox models add --help`)")

    @property
    def out_layout(self) -> str:
        return self.output_layout or self.layout

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (stored beside installed models)."""
        data = dataclasses.asdict(self)
        data["recurrent"] = [list(p) for p in self.recurrent]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ModelCard":
        data = dict(data)
        data["recurrent"] = tuple(tuple(p) for p in data.get("recurrent", ()))
        data["mean"] = tuple(data.get("mean", (0.0, 0.0, 0.0)))
        data["std"] = tuple(data.get("std", (1.0, 1.0, 1.0)))
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _triple(value: Any, key: str) -> tuple[float, float, float]:
    if isinstance(value, (int, float)):
        return (float(value),) * 3
    if isinstance(value, list) and len(value) == 3 and all(isinstance(v, (int, float)) for v in value):
        return tuple(float(v) for v in value)  # type: ignore[return-value]
    raise MatteboxError("InvalidParameter", f"model card: {key} must be a number or a list of three numbers, not {value!r}")


def parse_card(text: str, *, source: str = "card") -> ModelCard:
    """Parse a TOML model card; raise ``MatteboxError(InvalidParameter)`` naming what is wrong."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MatteboxError("InvalidParameter.Format", f"{source}: not valid TOML ({exc})") from None
    inp, out = doc.get("input", {}), doc.get("output", {})
    if "name" not in inp or "name" not in out:
        raise MatteboxError("MissingParameter", f"{source}: [input] name and [output] name are required")
    recurrent = []
    for pair in doc.get("recurrent", []):
        if not isinstance(pair, dict) or "input" not in pair or "output" not in pair:
            raise MatteboxError("InvalidParameter", f"{source}: each [[recurrent]] needs input and output names")
        recurrent.append((str(pair["input"]), str(pair["output"])))
    return ModelCard(
        input_name=str(inp["name"]),
        output_name=str(out["name"]),
        layout=str(inp.get("layout", "NCHW")).upper(),
        size=str(inp.get("size", "stretch")),
        width=int(inp.get("width", 256)),
        height=int(inp.get("height", 256)),
        short_side=int(inp.get("short_side", 512)),
        multiple=int(inp.get("multiple", 1)),
        mean=_triple(inp.get("mean", 0.0), "input.mean"),
        std=_triple(inp.get("std", 1.0), "input.std"),
        output_layout=str(out.get("layout", "")).upper(),
        output_channel=int(out.get("channel", 0)),
        activation=str(out.get("activation", "none")),
        recurrent=tuple(recurrent),
        ratio_input=inp.get("downsample_ratio"),
        foreground_output=out.get("foreground"),
        temporal=bool(doc.get("temporal", bool(recurrent))),
    )


def load_card(path: str) -> ModelCard:
    """Read and parse the card at ``path``."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise MatteboxError("InvalidFile.Download", f"cannot read the model card {path}: {exc.strerror}") from None
    return parse_card(text, source=path)
