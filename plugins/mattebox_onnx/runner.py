"""Run one model on batches of pre-processed images, with IO binding and recurrent state.

:class:`ModelRunner` owns the ONNX Runtime session of one job. It normalises and lays out the
input as the card says, casts it to the model's own dtype (fp16 models get fp16 inputs; RVM's
``downsample_ratio`` stays float32 whatever the model's dtype), binds inputs and outputs through
IO binding so tensors stay on the device (CUDA) between the model's runs, and carries recurrent
state outputs to the next call's inputs as device values, never copying them to the host.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from .card import ModelCard
from .errors import ModelError
from .providers import OpenedSession

__all__ = ["ModelOutput", "ModelRunner"]

log = logging.getLogger(__name__)

_DTYPES = {"tensor(float)": np.float32, "tensor(float16)": np.float16}


@dataclass
class ModelOutput:
    """One batch's results on the host: alpha (N, h, w) float32 and foreground (N, h, w, 3) float32 or ``None``."""

    alpha: np.ndarray
    foreground: np.ndarray | None = None


class ModelRunner:
    """The model of one job: feeds it, runs it, reads its alpha; state lives here between calls.

    :param opened: the session and the provider it runs on.
    :param card: how to feed the model and read its output.
    """

    def __init__(self, opened: OpenedSession, card: ModelCard) -> None:
        from .validate import card_problems

        problems = card_problems(opened.session, card)
        if problems:
            raise ModelError("the model does not match its card: " + "; ".join(problems),
                             hint="reinstall it, or fix its card (`mattebox models add NAME PATH --card CARD.toml`)")
        self.opened = opened
        self.session = opened.session
        self.card = card
        inputs = {i.name: i for i in self.session.get_inputs()}
        self.input_types = {name: _DTYPES.get(arg.type, np.float32) for name, arg in inputs.items()}
        self.dtype = self.input_types[card.input_name]
        self._mean = np.asarray(card.mean, dtype=np.float32)
        self._inv_std = 1.0 / np.asarray(card.std, dtype=np.float32)
        self._plain = bool(np.all(self._mean == 0) and np.all(self._inv_std == 1))
        self._state: dict[str, Any] = {}
        self.runs = 0

    @property
    def recurrent(self) -> bool:
        return bool(self.card.recurrent)

    def reset_state(self) -> None:
        """Forget the recurrent state (a new clip or a scene cut): the next call starts from zeros."""
        self._state.clear()

    def _device_value(self, array: np.ndarray) -> Any:
        import onnxruntime as ort

        return ort.OrtValue.ortvalue_from_numpy(np.ascontiguousarray(array), self.opened.device, 0)

    def prepare(self, images: list[np.ndarray]) -> np.ndarray:
        """Stack RGB float32 0..1 images (all one size) into the model's input tensor (layout, normalisation, dtype)."""
        batch = np.stack(images) if len(images) > 1 else images[0][None]
        if not self._plain:
            batch = (batch - self._mean) * self._inv_std
        if self.card.layout == "NCHW":
            batch = batch.transpose(0, 3, 1, 2)
        return np.ascontiguousarray(batch, dtype=self.dtype)

    def run(self, images: list[np.ndarray], *, downsample_ratio: float | None = None) -> ModelOutput:
        """Run the model on ``images`` (RGB float32 0..1, HxWx3, one size); recurrent models take one image."""
        if self.recurrent and len(images) != 1:
            raise ValueError("a recurrent model runs one frame at a time")
        card = self.card
        binding = self.session.io_binding()
        binding.bind_ortvalue_input(card.input_name, self._device_value(self.prepare(images)))
        if card.ratio_input:
            ratio = 1.0 if downsample_ratio is None else float(downsample_ratio)
            binding.bind_ortvalue_input(card.ratio_input, self._device_value(np.array([ratio], dtype=self.input_types[card.ratio_input])))
        for state_in, _ in card.recurrent:
            value = self._state.get(state_in)
            if value is None:
                value = self._device_value(np.zeros((1, 1, 1, 1), dtype=self.input_types[state_in]))
            binding.bind_ortvalue_input(state_in, value)
        wanted = [card.output_name] + ([card.foreground_output] if card.foreground_output else [])
        for name in wanted:
            binding.bind_output(name, "cpu")  # read back on the host: the matte leaves the device here
        for _, state_out in card.recurrent:
            binding.bind_output(state_out, self.opened.device)  # states stay on the device
        self.session.run_with_iobinding(binding)
        values = binding.get_outputs()
        names = wanted + [out for _, out in card.recurrent]
        by_name = dict(zip(names, values))
        for state_in, state_out in card.recurrent:
            self._state[state_in] = by_name[state_out]
        self.runs += 1
        alpha = self._alpha(by_name[card.output_name].numpy())
        fgr = None
        if card.foreground_output:
            f = by_name[card.foreground_output].numpy().astype(np.float32, copy=False)
            fgr = f.transpose(0, 2, 3, 1) if card.out_layout == "NCHW" else f
        return ModelOutput(alpha, fgr)

    def _alpha(self, raw: np.ndarray) -> np.ndarray:
        """(N, h, w) float32 alpha from the raw output, after the card's activation and channel choice."""
        out = raw.astype(np.float32, copy=False)
        if out.ndim == 3:  # (N, h, w): no channel axis
            out = out[:, None] if self.card.out_layout == "NCHW" else out[..., None]
        channel_axis = 1 if self.card.out_layout == "NCHW" else 3
        if self.card.activation == "softmax":
            e = np.exp(out - out.max(axis=channel_axis, keepdims=True))
            out = e / e.sum(axis=channel_axis, keepdims=True)
        picked = np.take(out, self.card.output_channel, axis=channel_axis)
        if self.card.activation == "sigmoid":
            picked = 1.0 / (1.0 + np.exp(-picked))
        return np.clip(picked, 0.0, 1.0).astype(np.float32, copy=False)
