"""Read a TFLite flatbuffer into a plain description of its graph, for the ONNX converter.

The ``tflite`` package gives generated flatbuffer accessors; this module turns them into small
dataclasses (tensors with shape, dtype and constant data; operators with their name and options
as a dict) so that the converter never touches flatbuffer objects. Only the options of the ops
the converter supports are decoded; any other op is reported by name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ConversionError

__all__ = ["TfliteGraph", "TfliteOp", "TfliteTensor", "read_tflite"]

log = logging.getLogger(__name__)

_NUMPY_TYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 7: np.int16, 9: np.int8, 10: np.float64}
_PADDING = {0: "SAME", 1: "VALID"}
_ACTIVATIONS = {0: None, 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH"}


@dataclass
class TfliteTensor:
    """A tensor: its name, static shape (batch included), numpy dtype and data if constant."""

    index: int
    name: str
    shape: tuple[int, ...]
    dtype: type
    data: np.ndarray | None = None
    scale: float | None = None
    zero_point: int | None = None


@dataclass
class TfliteOp:
    """An operator: builtin name (or ``CUSTOM:<name>``), tensor indices, decoded options."""

    kind: str
    inputs: list[int]
    outputs: list[int]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class TfliteGraph:
    """The first subgraph of a model, in execution order."""

    tensors: list[TfliteTensor]
    ops: list[TfliteOp]
    inputs: list[int]
    outputs: list[int]


def _builtin_names() -> dict[int, str]:
    import tflite

    return {v: k for k, v in vars(tflite.BuiltinOperator).items() if not k.startswith("_") and isinstance(v, int)}


def _decode_options(kind: str, op: Any) -> dict[str, Any]:
    import tflite

    table = op.BuiltinOptions()
    if kind in ("CONV_2D", "DEPTHWISE_CONV_2D"):
        o = tflite.Conv2DOptions() if kind == "CONV_2D" else tflite.DepthwiseConv2DOptions()
        o.Init(table.Bytes, table.Pos)
        opts = {
            "padding": _PADDING[o.Padding()],
            "stride": (o.StrideH(), o.StrideW()),
            "dilation": (o.DilationHFactor(), o.DilationWFactor()),
            "activation": _ACTIVATIONS.get(o.FusedActivationFunction(), "UNKNOWN"),
        }
        if kind == "DEPTHWISE_CONV_2D":
            opts["depth_multiplier"] = o.DepthMultiplier()
        return opts
    if kind in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        o = tflite.Pool2DOptions()
        o.Init(table.Bytes, table.Pos)
        return {
            "padding": _PADDING[o.Padding()],
            "stride": (o.StrideH(), o.StrideW()),
            "filter": (o.FilterHeight(), o.FilterWidth()),
            "activation": _ACTIVATIONS.get(o.FusedActivationFunction(), "UNKNOWN"),
        }
    if kind in ("ADD", "MUL", "SUB"):
        o = {"ADD": tflite.AddOptions, "MUL": tflite.MulOptions, "SUB": tflite.SubOptions}[kind]()
        if table is None:
            return {"activation": None}
        o.Init(table.Bytes, table.Pos)
        return {"activation": _ACTIVATIONS.get(o.FusedActivationFunction(), "UNKNOWN")}
    if kind == "RESIZE_BILINEAR":
        o = tflite.ResizeBilinearOptions()
        o.Init(table.Bytes, table.Pos)
        return {"align_corners": bool(o.AlignCorners()), "half_pixel_centers": bool(o.HalfPixelCenters())}
    if kind == "MEAN":
        o = tflite.ReducerOptions()
        o.Init(table.Bytes, table.Pos)
        return {"keep_dims": bool(o.KeepDims())}
    return {}


def _decode_custom(kind: str, raw: bytes) -> dict[str, Any]:
    if kind == "CUSTOM:Convolution2DTransposeBias":
        # MediaPipe's TfLitePaddingValues-like struct: padding enum, stride_w, stride_h (int32 each)
        if len(raw) < 12:
            raise ConversionError(f"{kind}: options are {len(raw)} bytes, expected 12")
        padding, stride_w, stride_h = np.frombuffer(raw[:12], dtype="<i4").tolist()
        return {"padding": {1: "SAME", 2: "VALID"}.get(padding, "UNKNOWN"), "stride": (stride_h, stride_w)}
    return {}


def read_tflite(data: bytes) -> TfliteGraph:
    """Parse a ``.tflite`` flatbuffer; raise :class:`ConversionError` on anything unreadable."""
    import tflite

    if len(data) < 8 or data[4:8] != b"TFL3":
        raise ConversionError("not a TFLite model (the file lacks the TFL3 identifier)")
    try:
        model = tflite.Model.GetRootAsModel(data, 0)
        if model.SubgraphsLength() != 1:
            raise ConversionError(f"the model has {model.SubgraphsLength()} subgraphs; only single-graph models are supported")
        names = _builtin_names()
        codes = []
        for i in range(model.OperatorCodesLength()):
            oc = model.OperatorCodes(i)
            code = max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode())
            codes.append("CUSTOM:" + oc.CustomCode().decode() if code == tflite.BuiltinOperator.CUSTOM else names.get(code, str(code)))
        graph = model.Subgraphs(0)
        tensors = []
        for i in range(graph.TensorsLength()):
            t = graph.Tensors(i)
            dtype = _NUMPY_TYPES.get(t.Type())
            if dtype is None:
                raise ConversionError(f"tensor {t.Name().decode()!r} has an unsupported type {t.Type()}")
            shape = tuple(int(s) for s in t.ShapeAsNumpy()) if t.ShapeLength() else ()
            buf = model.Buffers(t.Buffer())
            data_arr = None
            if buf is not None and buf.DataLength():
                data_arr = np.frombuffer(buf.DataAsNumpy().tobytes(), dtype=dtype).reshape(shape).copy()
            q = t.Quantization()
            scale = zp = None
            if q is not None and q.ScaleLength() == 1:
                scale, zp = float(q.Scale(0)), int(q.ZeroPoint(0))
            tensors.append(TfliteTensor(i, t.Name().decode(), shape, dtype, data_arr, scale, zp))
        ops = []
        for i in range(graph.OperatorsLength()):
            op = graph.Operators(i)
            kind = codes[op.OpcodeIndex()]
            if kind.startswith("CUSTOM:"):
                raw = op.CustomOptionsAsNumpy().tobytes() if op.CustomOptionsLength() else b""
                options = _decode_custom(kind, raw)
            else:
                options = _decode_options(kind, op)
            ops.append(TfliteOp(kind, [int(x) for x in op.InputsAsNumpy()], [int(x) for x in op.OutputsAsNumpy()], options))
        inputs = [int(x) for x in graph.InputsAsNumpy()]
        outputs = [int(x) for x in graph.OutputsAsNumpy()]
    except ConversionError:
        raise
    except Exception as exc:  # a damaged flatbuffer raises anything from IndexError to struct.error
        raise ConversionError(f"the TFLite flatbuffer cannot be read ({type(exc).__name__}: {exc})") from None
    log.debug("read TFLite graph: %d tensors, %d ops", len(tensors), len(ops))
    return TfliteGraph(tensors, ops, inputs, outputs)
