"""Small ONNX models with exactly RVM's and MODNet's input/output names, ranks and dtypes.

They compute simple, checkable functions so tests can see what the runner fed them:

- RVM-like: ``pha = 0.1 · r1i + downsample_ratio`` (broadcast to [B,1,H,W]), ``fgr = src``,
  ``rKo = rKi + K``: after k frames r1 is k, so the alpha tells how many frames the state has
  flowed through and which ratio arrived. fp16 variant: every tensor fp16 except ``downsample_ratio``.
- MODNet-like: ``output = mean over channels of input`` ([B,1,H,W]): the normalised input comes back.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from onnx import TensorProto, helper, numpy_helper


def _save(graph, path: Path) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path.write_bytes(model.SerializeToString())
    return path


def rvm_like(path: Path, *, fp16: bool = False) -> Path:
    """An RVM-signature model at ``path``."""
    t = TensorProto.FLOAT16 if fp16 else TensorProto.FLOAT
    np_t = np.float16 if fp16 else np.float32
    inputs = [helper.make_tensor_value_info("src", t, ["batch", 3, "height", "width"])]
    inputs += [helper.make_tensor_value_info(f"r{k}i", t, ["batch", "c", "h", "w"]) for k in range(1, 5)]
    inputs.append(helper.make_tensor_value_info("downsample_ratio", TensorProto.FLOAT, [1]))
    outputs = [helper.make_tensor_value_info("fgr", t, ["batch", 3, "height", "width"]),
               helper.make_tensor_value_info("pha", t, ["batch", 1, "height", "width"])]
    outputs += [helper.make_tensor_value_info(f"r{k}o", t, ["batch", "c", "h", "w"]) for k in range(1, 5)]
    inits = [numpy_helper.from_array(np.array(0.1, dtype=np_t), "tenth"), numpy_helper.from_array(np.array(0.0, dtype=np_t), "zero")]
    inits += [numpy_helper.from_array(np.array(float(k), dtype=np_t), f"k{k}") for k in range(1, 5)]
    nodes = [
        helper.make_node("Identity", ["src"], ["fgr"]),
        helper.make_node("ReduceMean", ["src"], ["chan_mean"], axes=[1], keepdims=1),
        helper.make_node("Mul", ["chan_mean", "zero"], ["zeros"]),
        helper.make_node("Cast", ["downsample_ratio"], ["ratio_t"], to=t),
        helper.make_node("Mul", ["r1i", "tenth"], ["r1_tenth"]),
        helper.make_node("Add", ["zeros", "r1_tenth"], ["with_state"]),
        helper.make_node("Add", ["with_state", "ratio_t"], ["pha"]),
    ]
    nodes += [helper.make_node("Add", [f"r{k}i", f"k{k}"], [f"r{k}o"]) for k in range(1, 5)]
    return _save(helper.make_graph(nodes, "rvm_like", inputs, outputs, initializer=inits), path)


def modnet_like(path: Path) -> Path:
    """A MODNet-signature model at ``path``."""
    inputs = [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, "height", "width"])]
    outputs = [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 1, "height", "width"])]
    nodes = [helper.make_node("ReduceMean", ["input"], ["output"], axes=[1], keepdims=1)]
    return _save(helper.make_graph(nodes, "modnet_like", inputs, outputs), path)
