"""The keyer's :class:`~mattebox.backend.Processor`: frames in presentation order → mattes in the same order.

Frames of a batch are keyed concurrently (OpenCV and most numpy work release the GIL, and a frame
depends on no other once the screen is known from the clip's first frame), then answered in order.
Measured on 2 cores, two threads key barely faster than one (they hand the GIL back and forth at
every OpenCV or numpy call); end to end, next to the decoder and encoder, keying in processes was
no faster either (a shared-memory prototype), so speed comes from less work per frame.
Every :data:`~.screen_model.KEY_INTERVAL`-th frame of the job is a key frame whose clean plate the
frames up to the next one reuse where it fits them: a batch first brings its frames to linear
light, then measures the plates of the key frames among them, then keys every frame. The solid
colours a key frame's edge refinement clusters serve the frames of the next interval (by then
that key frame is keyed whatever the batches: at most one interval is keyed at once).
Without temporal smoothing every frame is answered in the call that brought it. With it, a frame is
answered once its successor is keyed (the smoothing looks one frame ahead), so the first
:meth:`process` returns one result fewer than it was given and :meth:`finish` returns the last frame.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

import cv2

from mattebox.backend import MatteResult
from mattebox.media.frame import Frame

from .keyer import HalfMatte, Keyer, LinearFrame
from .refine import SolidColours
from .screen_model import KEY_INTERVAL, ScreenModel
from .settings import KeyerSettings
from .temporal import centred_smooth

__all__ = ["KeyerProcessor"]

log = logging.getLogger(__name__)


class KeyerProcessor:
    """Keys one job's frames.

    :param settings: the keyer's parameters.
    :param workers: frames keyed at once (default: the CPU count, at most 4); 1 keys in the caller's thread.
    :param wants_foreground: compute the despilled foreground (a matte-only job needs none).
    """

    def __init__(
        self, settings: KeyerSettings | None = None, *, workers: int | None = None, wants_foreground: bool = True
    ) -> None:
        self.settings = settings or KeyerSettings()
        self.wants_foreground = wants_foreground
        self.keyer = Keyer(self.settings)
        self.workers = max(1, min(4, os.cpu_count() or 1) if workers is None else int(workers))
        self.batch_size = 2 * self.workers
        self._pool: ThreadPoolExecutor | None = None
        self._cv_threads: int | None = None  # OpenCV's thread count before the pool started
        self._waiting: deque[tuple[Frame, HalfMatte]] = deque()  # keyed, not yet answered
        self._previous: HalfMatte | None = None  # the last answered frame's raw estimate
        self._seen = 0  # frames keyed so far (their position in the job picks the key frames)
        self._model: ScreenModel | None = None  # the latest key frame's clean plate
        self._colours: dict[int, SolidColours | None] = {}  # key frame position → its solid colours

    def prepare(self) -> None:
        return None

    def _map(self, fn, items: list) -> list:
        """``fn`` over ``items``, concurrently when there is more than one, results in order."""
        if self.workers <= 1 or len(items) <= 1:
            return [fn(*item) for item in items]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="mattebox-keyer")
            # frames are keyed in parallel already: OpenCV's own threads inside each would only
            # oversubscribe the cores (and the encoder's); restored by close()
            self._cv_threads = cv2.getNumThreads()
            cv2.setNumThreads(1)
        return list(self._pool.map(lambda item: fn(*item), items))

    def _linearise(self, frame: Frame) -> LinearFrame:
        y, cb, cr = frame.ycbcr420()
        return self.keyer.linearise(y, cb, cr, frame.color)

    def _estimate_all(self, frames: list[Frame]) -> list[HalfMatte]:
        """Key ``frames`` (the next ones of the job, in order) at chroma resolution."""
        halves: list[HalfMatte] = []
        for start in range(0, len(frames), KEY_INTERVAL):  # an interval at most: earlier key frames are done
            halves += self._estimate_chunk(frames[start : start + KEY_INTERVAL])
        return halves

    def _estimate_chunk(self, frames: list[Frame]) -> list[HalfMatte]:
        lights: list[LinearFrame] = []
        if self.keyer.screen is None:  # the first frame fixes the screen for the clip: bring it alone
            lights.append(self._linearise(frames[0]))
        lights += self._map(self._linearise, [(f,) for f in frames[len(lights) :]])
        positions = range(self._seen, self._seen + len(frames))
        self._seen += len(frames)
        keys = [i for i, n in enumerate(positions) if n % KEY_INTERVAL == 0]
        key_models = dict(zip(keys, self._map(self.keyer.screen_model, [(lights[i],) for i in keys])))
        jobs = []
        for i, (n, light) in enumerate(zip(positions, lights)):
            if i in key_models:
                self._model = key_models[i]
            key = n - n % KEY_INTERVAL
            # a key frame clusters its own solid colours; the others take the previous key frame's
            colours = None if n == key else self._colours.get(key - KEY_INTERVAL)
            jobs.append((light, self._model, i in key_models, colours))
        halves = self._map(
            lambda light, model, own, colours: self.keyer.estimate_linear(light, model, own=own, colours=colours),
            jobs,
        )
        for n, half in zip(positions, halves):
            if n % KEY_INTERVAL == 0:  # kept for the next interval; the one before the previous goes
                self._colours = {k: c for k, c in self._colours.items() if k >= n - KEY_INTERVAL}
                self._colours[n] = half.colours
        return halves

    def _finish(
        self, frame: Frame, half: HalfMatte, previous: HalfMatte | None, following: HalfMatte | None
    ) -> MatteResult:
        alpha_half = half.alpha
        if self.settings.temporal > 0:
            neighbours = [
                (m.alpha, m.luma_half)
                for m in (previous, following)
                if m is not None and m.alpha.shape == half.alpha.shape
            ]
            alpha_half = centred_smooth(half.alpha, half.luma_half, neighbours, self.settings.temporal)
        y, cb, cr = frame.ycbcr420()
        full = self.keyer.finish_matte(half, alpha_half, y, cb, cr, frame.color, foreground=self.wants_foreground)
        return MatteResult(
            alpha=full.alpha,
            foreground_ycbcr=full.foreground,
            alpha_in_range=True,  # finish_matte clips
            alpha_boxes=full.boxes,
            release=lambda: self.keyer.recycle(full.alpha, full.boxes),
        )

    def process(self, frames: Sequence[Frame]) -> list[MatteResult]:
        """Mattes for the oldest frames not yet answered (one behind when smoothing in time)."""
        frames = list(frames)
        if not frames:
            return []
        halves = self._estimate_all(frames)
        self._waiting.extend(zip(frames, halves))
        ready = len(self._waiting) - (1 if self.settings.temporal > 0 else 0)
        return self._answer(ready)

    def _answer(self, count: int) -> list[MatteResult]:
        jobs = []
        done = [] if self._previous is None else [self._previous]
        for _ in range(max(0, count)):
            frame, half = self._waiting.popleft()
            following = self._waiting[0][1] if self._waiting else None
            jobs.append((frame, half, self._previous, following))
            self._previous = half
            done.append(half)
        results = self._map(self._finish, jobs)
        for half in done[:-1]:  # finished, and no longer anyone's neighbour in time (the last one is)
            self.keyer.recycle(half.alpha, half.boxes)
        return results

    def finish(self) -> list[MatteResult]:
        """The frame still held back for temporal smoothing, if any."""
        return self._answer(len(self._waiting))

    def close(self) -> None:
        self._waiting.clear()
        self._previous = None
        self._model = None
        self._colours = {}
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        if self._cv_threads is not None:
            cv2.setNumThreads(self._cv_threads)
            self._cv_threads = None
