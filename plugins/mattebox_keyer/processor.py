"""The keyer's :class:`~mattebox.backend.Processor`: frames in presentation order → mattes in the same order.

Each frame is one task, keyed start to finish on one worker thread (R'G'B' and linear light, the
estimate, and without temporal smoothing the full-resolution matte): a frame's planes and
intermediate arrays stay in that core's caches from one step to the next (measured on one thread:
about 9% less CPU than stepping a batch of frames through each stage in turn). OpenCV and most
numpy work release the GIL, so frames key concurrently, but every such call hands the GIL to the
other workers: on 2 cores two workers key a frame for ~20% more CPU than one (~110 context
switches a frame), and end to end, next to the decoder and encoder, keying in processes was no
faster either (a shared-memory prototype). So a job leaves one core to decoding and encoding
(:func:`job_workers`: one worker on 2 cores), and OpenCV's own threads are off while a processor
keys (they only split each call over cores that are busy already).
Every :data:`~.screen_model.KEY_INTERVAL`-th frame of the job is a key frame whose clean plate the
frames up to the next one reuse where it fits them, and whose solid colours (clustered by its edge
refinement) serve the frames of the next interval: a frame's task waits for those of its key frames
(tasks start in order, so the one waited for is running or done).
Frames are answered in order as soon as they are keyed: :meth:`process` hands its frames to the
workers and returns once at most :attr:`batch_size` are still being keyed, so keying goes on while
the caller decodes and encodes (no barrier at every batch; measured end to end on 2 cores: matte to
FFV1 +6%); :meth:`finish` returns the rest. With temporal smoothing a frame is answered once its
successor is keyed too (the smoothing looks one frame ahead). With one worker every frame is keyed
in the call that brings it.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Sequence

import cv2

from mattebox.backend import MatteResult
from mattebox.media.frame import Frame

from .keyer import HalfMatte, Keyer, LinearFrame
from .refine import SolidColours
from .screen_model import KEY_INTERVAL, ScreenModel
from .settings import KeyerSettings
from .temporal import centred_smooth

__all__ = ["KeyerProcessor", "job_workers", "usable_cpus"]

log = logging.getLogger(__name__)


def usable_cpus() -> int:
    """The CPUs this process may run on (a container's or ``taskset``'s share, not the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # (macOS and Windows have no affinity call)
        return max(1, os.cpu_count() or 1)


def job_workers(cpus: int | None = None) -> int:
    """Frames keyed at once inside a job: one per usable CPU but one (that one decodes and encodes), 1 to 4.

    Measured on 2 cores, matte to FFV1 end to end: one worker 0.86× decode + encode alone, two 0.82×
    (the median of 11 interleaved runs; keyed ProRes 4444 0.95× vs 0.92×).
    """
    return max(1, min(4, (usable_cpus() if cpus is None else cpus) - 1))


class KeyerProcessor:
    """Keys one job's frames.

    :param settings: the keyer's parameters.
    :param workers: frames keyed at once (default: the usable CPUs, at most 4: the keyer alone on the
        machine; a job passes :func:`job_workers`); 1 keys in the caller's thread.
    :param wants_foreground: compute the despilled foreground (a matte-only job needs none).
    """

    def __init__(
        self, settings: KeyerSettings | None = None, *, workers: int | None = None, wants_foreground: bool = True
    ) -> None:
        self.settings = settings or KeyerSettings()
        self.wants_foreground = wants_foreground
        self.keyer = Keyer(self.settings)
        self.workers = max(1, min(4, usable_cpus()) if workers is None else int(workers))
        self.batch_size = 2 * self.workers
        self._pool: ThreadPoolExecutor | None = None
        self._cv_threads: int | None = None  # OpenCV's thread count before keying started (restored by close)
        self._keying: deque[tuple[Frame, Future]] = deque()  # submitted, not yet answered, in order
        self._waiting: deque[tuple[Frame, HalfMatte]] = deque()  # keyed, not yet answered (temporal smoothing)
        self._previous: HalfMatte | None = None  # the last answered frame's raw estimate
        self._seen = 0  # frames submitted so far (their position in the job picks the key frames)
        self._plates: dict[int, Future[ScreenModel | None]] = {}  # key frame position → its clean plate
        self._colours: dict[int, Future[SolidColours | None]] = {}  # key frame position → its solid colours

    def prepare(self) -> None:
        return None

    def _single_threaded_opencv(self) -> None:
        """OpenCV's own threads off until :meth:`close`: frames are keyed in parallel already, or the
        other cores decode and encode (splitting each call over them measured 6% slower end to end)."""
        if self._cv_threads is None:
            self._cv_threads = cv2.getNumThreads()
            cv2.setNumThreads(1)

    def _ensure_pool(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="mattebox-keyer")
        return self._pool

    def _submit(self, fn, *args) -> Future:
        """``fn(*args)`` on a worker (or at once, in this thread, with one worker)."""
        if self.workers > 1:
            return self._ensure_pool().submit(fn, *args)
        done: Future = Future()
        try:
            done.set_result(fn(*args))
        except BaseException as exc:  # raised by .result(), like a worker's
            done.set_exception(exc)
        return done

    def _map(self, fn, items: list) -> list:
        """``fn`` over ``items``, concurrently when there is more than one, results in order."""
        if self.workers <= 1 or len(items) <= 1:
            return [fn(*item) for item in items]
        return list(self._ensure_pool().map(lambda item: fn(*item), items))

    def _linearise(self, frame: Frame) -> LinearFrame:
        y, cb, cr = frame.ycbcr420()
        return self.keyer.linearise(y, cb, cr, frame.color)

    def _key(
        self, frame: Frame, light: LinearFrame | None, plate: Future, colours: Future | None, own: Future | None
    ) -> tuple[HalfMatte, MatteResult | None]:
        """One frame keyed: its estimate at chroma resolution and, without smoothing in time (nothing
        to wait for), its result.

        :param light: the frame in linear light, when already brought there.
        :param plate: the clean plate of this frame's key frame (set here when this is the key frame).
        :param colours: the previous key frame's solid colours (for a frame that is not a key frame).
        :param own: a key frame's own solid colours, set here for the frames of the next interval.
        """
        try:
            if light is None:
                light = self._linearise(frame)
            if own is not None:
                plate.set_result(self.keyer.screen_model(light))
            given = None if colours is None else colours.result()
            half = self.keyer.estimate_linear(light, plate.result(), own=own is not None, colours=given)
        except BaseException as exc:  # the frames waiting for this key frame must not wait forever
            for future in (plate, own) if own is not None else ():
                if not future.done():
                    future.set_exception(exc)
            raise
        if own is not None:
            own.set_result(half.colours)
        if self.settings.temporal > 0:
            return half, None
        result = self._finish(frame, half, None, None)
        self.keyer.recycle(half.alpha, half.boxes)  # read by nothing else once finished
        return half, result

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
        full = self.keyer.finish_matte(
            half, alpha_half, y, cb, cr, frame.color, foreground=self.wants_foreground, source=frame.source_planes()
        )
        return MatteResult(
            alpha=full.alpha,
            foreground_ycbcr=full.foreground,
            foreground_depth=full.depth,
            alpha_in_range=True,  # finish_matte clips
            alpha_boxes=full.boxes,
            release=lambda: self.keyer.recycle(full.alpha, full.boxes),
        )

    def process(self, frames: Sequence[Frame]) -> list[MatteResult]:
        """Mattes for the oldest frames not yet answered: the frames are handed to the workers, and the
        call returns once at most :attr:`batch_size` are still being keyed (so keying goes on while the
        caller decodes and encodes), answering every frame keyed by then (but the last one when
        smoothing in time)."""
        frames = list(frames)
        if not frames:
            return []
        self._single_threaded_opencv()
        first = None
        if self.keyer.screen is None:  # the first frame fixes the screen for the clip: bring it alone
            first = self._linearise(frames[0])
        for i, frame in enumerate(frames):
            n = self._seen
            self._seen += 1
            key = n - n % KEY_INTERVAL
            own = None
            if n == key:  # still needed: this key frame's plate, its colours and the previous key frame's
                own = Future()
                self._plates = {key: Future()}
                self._colours = {k: c for k, c in self._colours.items() if k >= key - KEY_INTERVAL}
                self._colours[key] = own
            colours = None if own is not None else self._colours.get(key - KEY_INTERVAL)
            task = self._submit(self._key, frame, first if i == 0 else None, self._plates[key], colours, own)
            self._keying.append((frame, task))
        return self._deliver(self._collect(self.batch_size))

    def _collect(self, window: int) -> list[tuple[Frame, HalfMatte, MatteResult | None]]:
        """The oldest frames keyed, in order: every one already done, then more (waiting for them)
        until at most ``window`` are still being keyed."""
        keyed = []
        while self._keying and (self._keying[0][1].done() or len(self._keying) > window):
            frame, task = self._keying.popleft()
            half, result = task.result()
            keyed.append((frame, half, result))
        return keyed

    def _deliver(self, keyed: list[tuple[Frame, HalfMatte, MatteResult | None]]) -> list[MatteResult]:
        if self.settings.temporal <= 0:
            return [result for _, _, result in keyed]
        self._waiting.extend((frame, half) for frame, half, _ in keyed)
        return self._answer(len(self._waiting) - 1)

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
        """The frames still being keyed or held back for temporal smoothing."""
        results = self._deliver(self._collect(0))
        return results + self._answer(len(self._waiting))

    def close(self) -> None:
        self._keying.clear()
        self._waiting.clear()
        self._previous = None
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self._plates = {}
        self._colours = {}
        if self._cv_threads is not None:
            cv2.setNumThreads(self._cv_threads)
            self._cv_threads = None
