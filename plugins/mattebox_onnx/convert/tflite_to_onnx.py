"""Convert a TFLite model (MediaPipe's selfie segmenters) to ONNX, with no TensorFlow.

The graph is rebuilt with :mod:`onnx.helper` in NCHW (what ONNX Runtime's kernels want): the NHWC
input is transposed once at the start and the output once at the end, so the ONNX model keeps the
TFLite model's input/output names, layouts and dtypes and can be compared with it directly. The
batch dimension is dynamic. FP16 weights behind ``DEQUANTIZE`` are folded into float32
initializers. SAME padding is made explicit, TF style (the odd pixel goes at the end).

Supported ops: CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, MAX_POOL_2D, MEAN (spatial), ADD, SUB,
MUL, RELU, RELU6, LOGISTIC, TANH, HARD_SWISH, RESIZE_BILINEAR, DEQUANTIZE (of constants) and
MediaPipe's custom ``Convolution2DTransposeBias`` (a transposed convolution with bias, no flip).
"""

from __future__ import annotations

import hashlib
import logging
import math
from typing import Callable

import numpy as np

from ..errors import ConversionError
from .tflite_reader import TfliteGraph, TfliteOp, read_tflite

__all__ = ["CONVERTER_VERSION", "OPSET", "convert_tflite"]

log = logging.getLogger(__name__)

OPSET = 17
CONVERTER_VERSION = "1"


def _same_pads(size: int, kernel: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """TF SAME padding for one axis: (before, after), the extra pixel after."""
    effective = (kernel - 1) * dilation + 1
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


class _Builder:
    """Accumulates ONNX nodes and initializers while walking the TFLite ops in order."""

    def __init__(self, graph: TfliteGraph) -> None:
        self.g = graph
        self.nodes: list = []
        self.inits: list = []
        self.names: dict[int, str] = {}  # tflite tensor index -> ONNX value name (activations)
        self.consts: dict[int, np.ndarray] = {t.index: t.data for t in graph.tensors if t.data is not None}
        self._n = 0

    # -- helpers ---------------------------------------------------------------------------
    def fresh(self, stem: str) -> str:
        self._n += 1
        return f"{stem}_{self._n}"

    def node(self, op: str, inputs: list[str], outputs: list[str] | None = None, **attrs) -> str:
        from onnx import helper

        outputs = outputs or [self.fresh(op.lower())]
        self.nodes.append(helper.make_node(op, inputs, outputs, name=self.fresh("n_" + op), **attrs))
        return outputs[0]

    def init(self, stem: str, array: np.ndarray) -> str:
        from onnx import numpy_helper

        name = self.fresh(stem)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def shape(self, idx: int) -> tuple[int, ...]:
        return self.g.tensors[idx].shape

    def act(self, idx: int) -> str:
        """The ONNX name of activation tensor ``idx`` (NCHW), or a constant made usable in NCHW."""
        if idx in self.names:
            return self.names[idx]
        if idx in self.consts:
            data = self.consts[idx].astype(np.float32) if self.consts[idx].dtype == np.float16 else self.consts[idx]
            if data.ndim == 4:
                data = data.transpose(0, 3, 1, 2)
            elif data.ndim == 1 and data.size > 1:
                data = data.reshape(-1, 1, 1)
            elif data.ndim not in (0, 1):
                raise ConversionError(f"constant operand of rank {data.ndim} is not supported")
            return self.init("const", data)
        raise ConversionError(f"tensor {self.g.tensors[idx].name!r} is used before it is produced")

    def weight(self, idx: int) -> np.ndarray:
        if idx not in self.consts:
            raise ConversionError(f"weights {self.g.tensors[idx].name!r} are not constant")
        return self.consts[idx].astype(np.float32)

    def finish(self, name: str, activation: str | None, out_idx: int) -> None:
        """Apply a fused activation to ``name`` and bind the result to tflite tensor ``out_idx``."""
        target = self.fresh("t")
        if activation is None:
            self.node("Identity", [name], [target])
        elif activation == "RELU":
            self.node("Relu", [name], [target])
        elif activation in ("RELU6", "RELU_N1_TO_1"):
            lo, hi = (0.0, 6.0) if activation == "RELU6" else (-1.0, 1.0)
            self.node("Clip", [name, self.init("lo", np.float32(lo)), self.init("hi", np.float32(hi))], [target])
        elif activation == "TANH":
            self.node("Tanh", [name], [target])
        else:
            raise ConversionError(f"fused activation {activation!r} is not supported")
        self.names[out_idx] = target

    # -- ops -------------------------------------------------------------------------------
    def conv(self, op: TfliteOp, depthwise: bool) -> None:
        x, w_idx = op.inputs[0], op.inputs[1]
        w = self.weight(w_idx)
        _, h, wd, cin = self.shape(x)
        kh, kw = w.shape[1], w.shape[2]
        if depthwise:  # [1, KH, KW, C*M] -> [C*M, 1, KH, KW]
            weights, group = w.transpose(3, 0, 1, 2), cin
        else:  # [O, KH, KW, I] -> [O, I, KH, KW]
            weights, group = w.transpose(0, 3, 1, 2), 1
        sh, sw = op.options["stride"]
        dh, dw = op.options["dilation"]
        if op.options["padding"] == "SAME":
            (pt, pb), (pl, pr) = _same_pads(h, kh, sh, dh), _same_pads(wd, kw, sw, dw)
        else:
            pt = pb = pl = pr = 0
        inputs = [self.act(x), self.init("w", weights)]
        if len(op.inputs) > 2 and op.inputs[2] >= 0:
            inputs.append(self.init("b", self.weight(op.inputs[2])))
        y = self.node("Conv", inputs, kernel_shape=[kh, kw], strides=[sh, sw], dilations=[dh, dw], pads=[pt, pl, pb, pr], group=group)
        self.finish(y, op.options["activation"], op.outputs[0])

    def transpose_conv_bias(self, op: TfliteOp) -> None:
        x = op.inputs[0]
        w = self.weight(op.inputs[1])  # [O, KH, KW, I] -> [I, O, KH, KW]
        _, h, wd, _ = self.shape(x)
        _, oh, ow, _ = self.shape(op.outputs[0])
        kh, kw = w.shape[1], w.shape[2]
        sh, sw = op.options["stride"]
        if op.options["padding"] == "UNKNOWN":
            raise ConversionError("Convolution2DTransposeBias with an unknown padding mode")
        th, tw = max((h - 1) * sh + kh - oh, 0), max((wd - 1) * sw + kw - ow, 0)
        pads = [th // 2, tw // 2, th - th // 2, tw - tw // 2]
        inputs = [self.act(x), self.init("w", w.transpose(3, 0, 1, 2)), self.init("b", self.weight(op.inputs[2]))]
        y = self.node("ConvTranspose", inputs, kernel_shape=[kh, kw], strides=[sh, sw], pads=pads)
        self.finish(y, None, op.outputs[0])

    def pool(self, op: TfliteOp, kind: str) -> None:
        x = op.inputs[0]
        _, h, wd, _ = self.shape(x)
        fh, fw = op.options["filter"]
        _, oh, ow, _ = self.shape(op.outputs[0])
        if (oh, ow) == (1, 1) and (fh, fw) == (h, wd):
            y = self.node("Global" + kind, [self.act(x)])
        else:
            sh, sw = op.options["stride"]
            if op.options["padding"] == "SAME":
                (pt, pb), (pl, pr) = _same_pads(h, fh, sh), _same_pads(wd, fw, sw)
            else:
                pt = pb = pl = pr = 0
            extra = {"count_include_pad": 0} if kind == "AveragePool" else {}
            y = self.node(kind, [self.act(x)], kernel_shape=[fh, fw], strides=[sh, sw], pads=[pt, pl, pb, pr], **extra)
        self.finish(y, op.options["activation"], op.outputs[0])

    def mean(self, op: TfliteOp) -> None:
        axes = sorted(int(a) % 4 for a in np.atleast_1d(self.consts.get(op.inputs[1], np.array([]))))
        if axes != [1, 2] or not op.options.get("keep_dims"):
            raise ConversionError(f"MEAN over axes {axes} (keep_dims={op.options.get('keep_dims')}) is not supported")
        self.finish(self.node("GlobalAveragePool", [self.act(op.inputs[0])]), None, op.outputs[0])

    def binary(self, op: TfliteOp, onnx_op: str) -> None:
        y = self.node(onnx_op, [self.act(op.inputs[0]), self.act(op.inputs[1])])
        self.finish(y, op.options.get("activation"), op.outputs[0])

    def unary(self, op: TfliteOp, onnx_op: str, **attrs) -> None:
        self.finish(self.node(onnx_op, [self.act(op.inputs[0])], **attrs), None, op.outputs[0])

    def resize_bilinear(self, op: TfliteOp) -> None:
        _, h, wd, _ = self.shape(op.inputs[0])
        _, oh, ow, _ = self.shape(op.outputs[0])
        if op.options["half_pixel_centers"]:
            mode = "half_pixel"
        elif op.options["align_corners"]:
            mode = "align_corners"
        else:
            mode = "asymmetric"
        scales = self.init("scales", np.array([1.0, 1.0, oh / h, ow / wd], dtype=np.float32))
        y = self.node("Resize", [self.act(op.inputs[0]), "", scales], mode="linear", coordinate_transformation_mode=mode)
        self.finish(y, None, op.outputs[0])

    def dequantize(self, op: TfliteOp) -> None:
        src = op.inputs[0]
        if src not in self.consts:
            raise ConversionError("DEQUANTIZE of a computed tensor is not supported")
        t = self.g.tensors[src]
        data = self.consts[src]
        if data.dtype == np.float16:
            value = data.astype(np.float32)
        else:
            value = (data.astype(np.float32) - float(t.zero_point or 0)) * float(t.scale or 1.0)
        self.consts[op.outputs[0]] = value


def _handlers(b: _Builder) -> dict[str, Callable[[TfliteOp], None]]:
    return {
        "CONV_2D": lambda op: b.conv(op, depthwise=False),
        "DEPTHWISE_CONV_2D": lambda op: b.conv(op, depthwise=True),
        "CUSTOM:Convolution2DTransposeBias": b.transpose_conv_bias,
        "AVERAGE_POOL_2D": lambda op: b.pool(op, "AveragePool"),
        "MAX_POOL_2D": lambda op: b.pool(op, "MaxPool"),
        "MEAN": b.mean,
        "ADD": lambda op: b.binary(op, "Add"),
        "SUB": lambda op: b.binary(op, "Sub"),
        "MUL": lambda op: b.binary(op, "Mul"),
        "RELU": lambda op: b.unary(op, "Relu"),
        "RELU6": lambda op: b.finish(b.act(op.inputs[0]), "RELU6", op.outputs[0]),
        "LOGISTIC": lambda op: b.unary(op, "Sigmoid"),
        "TANH": lambda op: b.unary(op, "Tanh"),
        "HARD_SWISH": lambda op: b.unary(op, "HardSwish"),
        "RESIZE_BILINEAR": b.resize_bilinear,
        "DEQUANTIZE": b.dequantize,
    }


def convert_tflite(data: bytes, *, graph_name: str = "model", doc: str = "") -> "onnx.ModelProto":  # noqa: F821
    """Convert a TFLite flatbuffer to an ONNX model with a dynamic batch dimension.

    :param data: the ``.tflite`` file's bytes.
    :param graph_name: the ONNX graph's name.
    :param doc: a doc string stored in the model (e.g. source and licence).
    :raises ConversionError: an unreadable file, an unsupported op, or an invalid result.
    """
    import onnx
    from onnx import TensorProto, helper

    graph = read_tflite(data)
    unsupported = sorted({op.kind for op in graph.ops} - set(_handlers(_Builder(graph))))
    if unsupported:
        raise ConversionError("unsupported TFLite ops: " + ", ".join(unsupported))
    b = _Builder(graph)
    handlers = _handlers(b)
    inputs, outputs = [], []
    for idx in graph.inputs:
        t = graph.tensors[idx]
        if len(t.shape) != 4 or t.dtype != np.float32:
            raise ConversionError(f"input {t.name!r} is {t.shape} {np.dtype(t.dtype).name}; only float32 NHWC images are supported")
        inputs.append(helper.make_tensor_value_info(t.name, TensorProto.FLOAT, ["batch", *t.shape[1:]]))
        b.names[idx] = b.node("Transpose", [t.name], perm=[0, 3, 1, 2])
    for op in graph.ops:
        for idx in op.outputs:
            if len(graph.tensors[idx].shape) != 4 and op.kind != "DEQUANTIZE":
                raise ConversionError(f"{op.kind} produces a rank-{len(graph.tensors[idx].shape)} tensor; only 4-D feature maps are supported")
        handlers[op.kind](op)
    for idx in graph.outputs:
        t = graph.tensors[idx]
        b.node("Transpose", [b.act(idx)], [t.name], perm=[0, 2, 3, 1])
        outputs.append(helper.make_tensor_value_info(t.name, TensorProto.FLOAT, ["batch", *t.shape[1:]]))
    onnx_graph = helper.make_graph(b.nodes, graph_name, inputs, outputs, initializer=b.inits)
    model = helper.make_model(onnx_graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="mattebox-tflite2onnx")
    model.ir_version = 8  # readable by every onnxruntime >= 1.14
    model.doc_string = doc
    helper.set_model_props(model, {"source_sha256": hashlib.sha256(data).hexdigest(), "converter_version": CONVERTER_VERSION})
    try:
        onnx.checker.check_model(model)
    except onnx.checker.ValidationError as exc:
        raise ConversionError(f"the converted graph is invalid: {exc}") from None
    log.info("converted TFLite model: %d ops -> %d ONNX nodes", len(graph.ops), len(b.nodes))
    return model
