"""The ONNX backend's processor: frames in, full-resolution mattes out, for one job.

Per-frame segmenters (MediaPipe selfie, MODNet): the model runs on a crop around the people when
they fill little of the frame, and on the whole frame to find them and to cover the rest; the crop
follows the people from frame to frame (:mod:`~mattebox_onnx.tracking`), so the whole-frame pass
runs only when something outside the crop changes. The masks merge at a working resolution (a
whole factor of the frame near the crop pass's pixel size), a motion-gated temporal filter removes
flicker there, and the guided filter upsamples the result along the full-resolution luma's edges,
computed only in bands around the matte's edges (:mod:`~mattebox_onnx.upsample`). One reduced
luma per frame serves the guide, the smoothing, the scene cuts and the tracking. Recurrent
matting models (RVM) run one frame at a time at full resolution with their state carried between
frames and reset at scene cuts; their alpha and foreground are already full resolution.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from mattebox.backend import JobContext, MatteResult
from mattebox.matte import TemporalSmoother
from mattebox.media.frame import Frame

from .preprocess import Rect, auto_downsample_ratio, luma, native_input, short_side_input, stretch_input
from .refine import SceneCuts, merge_crop, person_crop, work_size
from .store import InstalledModel
from .tracking import CropTracker, reaches_edge
from .upsample import EdgeUpsampler, small_luma

__all__ = ["OnnxProcessor", "Settings"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    """What the user may tune (the backend's options, parsed).

    :param provider: ``auto`` or a provider name.
    :param batch_size: frames per model run; 0 picks (8 on a GPU, 1 on the CPU and for recurrent models).
    :param smoothing: temporal smoothing strength 0..0.95; ``None`` picks (0.5 per-frame models, 0 recurrent).
    :param refine_crop: run the second pass on a crop around the people.
    :param edge_radius: guided-filter radius in full-resolution pixels; 0 picks from the frame size.
    :param edge_eps: guided-filter regularisation (smaller follows the image's edges more closely).
    :param downsample_ratio: RVM's ratio; 0 picks from the resolution.
    :param threads: CPU threads for ONNX Runtime (0: a quarter of the cores, at least one).
    :param follow: let the crop follow the people between whole-frame passes (off: both passes on every frame).
    :param refresh: with ``follow``, the whole-frame pass runs at least every this many frames.
    """

    provider: str = "auto"
    batch_size: int = 0
    smoothing: float | None = None
    refine_crop: bool = True
    edge_radius: int = 0
    edge_eps: float = 1e-4
    downsample_ratio: float = 0.0
    threads: int = 0
    follow: bool = True
    refresh: int = 12


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
        self.batch_size = 1 if self.card.recurrent else (settings.batch_size or 1)
        strength = settings.smoothing if settings.smoothing is not None else (0.0 if self.card.temporal else 0.5)
        self.smoother = TemporalSmoother(strength=min(max(strength, 0.0), 0.95))
        self.cuts = SceneCuts()
        self.stats = {"frames": 0, "whole_frame": 0, "crops": 0, "refetches": 0, "scene_cuts": 0}
        self._size: tuple[int, int] | None = None

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
            # a GPU wants batches (launch overhead); on the CPU a batch costs more per frame than single
            # frames (measured: 6% at 1080p) and makes the followed crop lag the people by the batch
            self.batch_size = 8 if opened.on_gpu else 1
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

    def _geometry(self, frame: Frame) -> None:
        """Size-dependent helpers, made for the first frame (a job's frames share one size)."""
        if self._size == (frame.width, frame.height):
            return
        self._size = (frame.width, frame.height)
        self.work = work_size(frame.width, frame.height)
        radius = self.settings.edge_radius or max(2, round(max(frame.width, frame.height) / 240))
        self.upsampler = EdgeUpsampler(frame.width, frame.height, *self.work, radius, self.settings.edge_eps)
        self.tracker = CropTracker(frame.width, frame.height, self.work, aspect=self.card.width / self.card.height,
                                   refresh=self.settings.refresh if self.settings.follow else 1)

    def _to_work(self, mask: np.ndarray) -> np.ndarray:
        ww, wh = self.work
        return cv2.resize(mask, (ww, wh), interpolation=cv2.INTER_LINEAR) if mask.shape != (wh, ww) else mask.copy()

    def _crop_for(self, frame: Frame, mask: np.ndarray) -> Rect | None:
        whole = (0.0, 0.0, float(frame.width), float(frame.height))
        return person_crop(mask, whole, frame.width, frame.height, aspect=self.card.width / self.card.height)

    def _per_frame_batch(self, frames: Sequence[Frame]) -> list[MatteResult]:
        """Whole-frame and crop passes (each batched), the crop following the people between whole-frame passes."""
        assert self.runner is not None
        self._geometry(frames[0])
        cropping = self.settings.refine_crop and self.card.size == "stretch"
        lumas = [luma(f) for f in frames]
        smalls = [small_luma(y, *self.work) for y in lumas]
        thumbs = [self.tracker.thumbnail(s) for s in smalls]
        cuts = [self.cuts.changed(t) for t in thumbs]
        # plan from the state before this batch: which frames run the whole-frame pass, where each crop pass looks
        full = self.tracker.plan(thumbs, cuts) if cropping else [True] * len(frames)
        todo = [i for i, f in enumerate(full) if f]
        masks = dict(zip(todo, self.runner.run([self._model_inputs(frames[i], None) for i in todo]).alpha)) if todo else {}
        crops: list[Rect | None] = [None] * len(frames)
        if cropping:
            crop = self.tracker.crop
            for i in range(len(frames)):
                crop = self._crop_for(frames[i], masks[i]) if full[i] else crop
                crops[i] = crop
        todo = [i for i, c in enumerate(crops) if c is not None]
        crop_masks = dict(zip(todo, self.runner.run([self._model_inputs(frames[i], crops[i]) for i in todo]).alpha)) if todo else {}
        self.stats["crops"] += len(todo)
        results = []
        for i, frame in enumerate(frames):
            if cuts[i]:
                self.tracker.reset()
                self.smoother.reset()
                self.stats["scene_cuts"] += 1
            crop, crop_mask = crops[i], crop_masks.get(i)
            if full[i]:
                work = self._to_work(masks[i])
                self.tracker.after_full(work, crop, thumbs[i])
            elif (crop is None or self.tracker.crop is None or reaches_edge(crop_mask, crop, frame.width, frame.height)
                  or not (crop_mask > 0.5).any()):
                # the people reach the followed crop's edge, or left it, or it was lost: the whole-frame pass after all
                whole = self.runner.run([self._model_inputs(frame, None)]).alpha[0]
                work, crop = self._to_work(whole), self._crop_for(frame, whole)
                self.tracker.after_full(work, crop, thumbs[i])
                crop_mask = self.runner.run([self._model_inputs(frame, crop)]).alpha[0] if crop is not None else None
                self.stats["refetches"] += 1
            else:
                work = self.tracker.outside()
            if crop is not None and crop_mask is not None:
                merge_crop(work, crop_mask, crop, frame.width, frame.height)
                self.tracker.follow(crop_mask, crop)
            self.stats["whole_frame"] += 1 if full[i] else 0
            results.append(MatteResult(self._finish_mask(work, lumas[i], smalls[i])))
        return results

    def _finish_mask(self, work: np.ndarray, y: np.ndarray, small: np.ndarray) -> np.ndarray:
        """Smooth the working-resolution mask over time, then upsample it along the full-resolution luma's edges."""
        work = self.smoother(work, small)
        self.stats["frames"] += 1
        return self.upsampler(work, y, small)

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
