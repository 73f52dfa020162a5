"""The ONNX backend's processor: frames in, full-resolution mattes out, for one job.

Per-frame segmenters (MediaPipe selfie, MODNet): the model runs on the whole frame (batched), then
again on a crop around the people when they fill little of the frame; the two masks merge at a
working resolution, a motion-gated temporal filter removes flicker there, and the guided filter
upsamples the result along the full-resolution luma's edges. Recurrent matting models (RVM) run
one frame at a time at full resolution with their state carried between frames and reset at
scene cuts; their alpha and foreground are already full resolution.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from mattebox.backend import JobContext, MatteResult
from mattebox.matte import TemporalSmoother, guided_upsample
from mattebox.media.frame import Frame

from .preprocess import Rect, auto_downsample_ratio, luma, native_input, short_side_input, stretch_input
from .refine import SceneCuts, merge_crop, person_crop, work_size
from .store import InstalledModel

__all__ = ["OnnxProcessor", "Settings"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    """What the user may tune (the backend's options, parsed).

    :param provider: ``auto`` or a provider name.
    :param batch_size: frames per model run; 0 picks (8 on a GPU, 4 on the CPU; 1 for recurrent models).
    :param smoothing: temporal smoothing strength 0..0.95; ``None`` picks (0.5 per-frame models, 0 recurrent).
    :param refine_crop: run the second pass on a crop around the people.
    :param edge_radius: guided-filter radius in full-resolution pixels; 0 picks from the frame size.
    :param edge_eps: guided-filter regularisation (smaller follows the image's edges more closely).
    :param downsample_ratio: RVM's ratio; 0 picks from the resolution.
    :param threads: CPU threads for ONNX Runtime (0: its default).
    """

    provider: str = "auto"
    batch_size: int = 0
    smoothing: float | None = None
    refine_crop: bool = True
    edge_radius: int = 0
    edge_eps: float = 1e-4
    downsample_ratio: float = 0.0
    threads: int = 0


class OnnxProcessor:
    """A :class:`mattebox.backend.Processor` running one installed model.

    :param model: the installed model.
    :param settings: the user's settings.
    :param context: the running job (for progress messages and the scratch folder), or ``None``.
    :param note: a message to report once when the job starts (e.g. which model stands in for which).
    """

    def __init__(self, model: InstalledModel, settings: Settings, context: JobContext | None = None, note: str = "") -> None:
        self.model = model
        self.card = model.card
        self.settings = settings
        self.context = context
        self.note = note
        self.runner = None
        self.batch_size = 1 if self.card.recurrent else (settings.batch_size or 4)
        strength = settings.smoothing if settings.smoothing is not None else (0.0 if self.card.temporal else 0.5)
        self.smoother = TemporalSmoother(strength=min(max(strength, 0.0), 0.95))
        self.cuts = SceneCuts()
        self.stats = {"frames": 0, "crops": 0, "scene_cuts": 0}

    # -- lifecycle -----------------------------------------------------------------------------
    def prepare(self) -> None:
        """Open the model on the best provider and check it against its card."""
        from .providers import open_session
        from .runner import ModelRunner
        from .store import check_integrity

        check_integrity(self.model)
        cache = None
        if self.context is not None and getattr(self.context, "workdir", None):
            from mattebox.paths import data_dir

            cache = os.fspath(data_dir() / "cache" / "tensorrt")
        opened = open_session(self.model.path, self.settings.provider, threads=self.settings.threads or None, cache_dir=cache)
        self.runner = ModelRunner(opened, self.card)
        if not self.card.recurrent and not self.settings.batch_size:
            self.batch_size = 8 if opened.on_gpu else 4
        log.info("model %s on %s, batch %d", self.model.name, opened.provider, self.batch_size)
        if self.note:
            log.warning("%s", self.note)
            if self.context is not None:
                self.context.report("model", 0.0, self.note)

    def process(self, frames: Sequence[Frame]) -> list[MatteResult]:
        """Mattes for ``frames``, in order (nothing is held back)."""
        if self.runner is None:
            self.prepare()
        if not frames:
            return []
        if self.card.recurrent:
            return [self._recurrent(frame) for frame in frames]
        out: list[MatteResult] = []
        for start in range(0, len(frames), self.batch_size):
            out.extend(self._per_frame_batch(frames[start : start + self.batch_size]))
        return out

    def finish(self) -> list[MatteResult]:
        return []

    def close(self) -> None:
        self.runner = None

    # -- per-frame segmenters --------------------------------------------------------------------
    def _model_inputs(self, frame: Frame, rect: Rect | None) -> np.ndarray:
        card = self.card
        if card.size == "stretch":
            return stretch_input(frame, rect or (0.0, 0.0, float(frame.width), float(frame.height)), card.width, card.height)
        if card.size == "short-side":
            return short_side_input(frame, card.short_side, card.multiple)
        return native_input(frame, card.multiple)

    def _per_frame_batch(self, frames: Sequence[Frame]) -> list[MatteResult]:
        assert self.runner is not None
        first = self.runner.run([self._model_inputs(f, None) for f in frames]).alpha
        crops: list[Rect | None] = [None] * len(frames)
        if self.settings.refine_crop and self.card.size == "stretch":
            for i, f in enumerate(frames):
                crops[i] = person_crop(first[i], (0.0, 0.0, float(f.width), float(f.height)), f.width, f.height,
                                       aspect=self.card.width / self.card.height)
        todo = [i for i, c in enumerate(crops) if c is not None]
        second: dict[int, np.ndarray] = {}
        if todo:
            masks = self.runner.run([self._model_inputs(frames[i], crops[i]) for i in todo]).alpha
            second = dict(zip(todo, masks))
            self.stats["crops"] += len(todo)
        results = []
        for i, frame in enumerate(frames):
            results.append(MatteResult(self._finish_mask(frame, first[i], crops[i], second.get(i))))
        return results

    def _finish_mask(self, frame: Frame, mask: np.ndarray, crop: Rect | None, crop_mask: np.ndarray | None) -> np.ndarray:
        """Merge the passes at working resolution, smooth over time, upsample along the image's edges."""
        y = luma(frame)
        ww, wh = work_size(frame.width, frame.height)
        if mask.shape != (wh, ww):
            work = cv2.resize(mask, (ww, wh), interpolation=cv2.INTER_LINEAR)
        else:
            work = mask.copy()
        if crop is not None and crop_mask is not None:
            merge_crop(work, crop_mask, crop, frame.width, frame.height)
        if self.cuts(y):
            self.smoother.reset()
            self.stats["scene_cuts"] += 1
        work = self.smoother(work, y)
        self.stats["frames"] += 1
        radius = self.settings.edge_radius or max(2, round(max(frame.width, frame.height) / 240))
        return guided_upsample(work, y, radius=radius, eps=self.settings.edge_eps)

    # -- recurrent matting -----------------------------------------------------------------------
    def _recurrent(self, frame: Frame) -> MatteResult:
        assert self.runner is not None
        y = luma(frame)
        if self.cuts(y):
            self.runner.reset_state()
            self.smoother.reset()
            self.stats["scene_cuts"] += 1
        ratio = self.settings.downsample_ratio or auto_downsample_ratio(frame.height, frame.width)
        out = self.runner.run([self._model_inputs(frame, None)], downsample_ratio=ratio)
        alpha = out.alpha[0]
        if alpha.shape != (frame.height, frame.width):
            alpha = cv2.resize(alpha, (frame.width, frame.height), interpolation=cv2.INTER_LINEAR)
        if self.smoother.strength > 0:
            alpha = self.smoother(alpha, y)
        fg = None
        if out.foreground is not None:
            f = out.foreground[0]
            if f.shape[:2] != (frame.height, frame.width):
                f = cv2.resize(f, (frame.width, frame.height), interpolation=cv2.INTER_LINEAR)
            fg = np.clip(f * 255.0 + 0.5, 0, 255).astype(np.uint8)
        self.stats["frames"] += 1
        return MatteResult(np.ascontiguousarray(alpha, dtype=np.float32), fg)
