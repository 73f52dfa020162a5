"""The streaming loop: decode → process → encode, overlapped in threads with bounded queues.

A decoder thread fills a small queue of frames; the calling thread batches them through the
backend's processor; an encoder thread writes every output. Memory stays bounded by the queue
sizes whatever the clip's length. Threads exchange typed messages; the first error anywhere stops
all three and is re-raised in the caller, and a cancel event stops them at the next frame.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np

from .backend import MatteResult, Processor
from .errors import CancelledError, MatteboxError
from .media.frame import Frame
from .render import OutputWriter

__all__ = ["PipelineStats", "run_pipeline"]

log = logging.getLogger(__name__)

_POLL_S = 0.1


class _End:
    """End of stream."""


@dataclass
class _Failed:
    error: BaseException


@dataclass
class PipelineStats:
    """Frames written and where the time went (seconds)."""

    frames: int = 0
    wall: float = 0.0
    process: float = 0.0
    write: float = 0.0


def _put(q: queue.Queue, item: object, cancel: threading.Event) -> bool:
    while not cancel.is_set():
        try:
            q.put(item, timeout=_POLL_S)
            return True
        except queue.Full:
            continue
    return False


def _get(q: queue.Queue, cancel: threading.Event) -> object:
    while True:
        try:
            return q.get(timeout=_POLL_S)
        except queue.Empty:
            if cancel.is_set():
                raise CancelledError() from None


def _check_result(frame: Frame, result: MatteResult) -> None:
    a = result.alpha
    if not isinstance(a, np.ndarray) or a.shape != (frame.height, frame.width):
        shape = getattr(a, "shape", type(a).__name__)
        raise MatteboxError("InternalServerError.Algo", f"the backend returned a matte of shape {shape} for a {frame.width}x{frame.height} frame")
    if result.alpha_in_range and a.dtype == np.float32 and a.flags.writeable:
        return  # the backend clipped it already
    if a.dtype != np.float32:
        a = result.alpha = a.astype(np.float32)
    if not a.flags.writeable:
        a = result.alpha = a.copy()
    np.clip(a, 0.0, 1.0, out=a)  # encoders rely on 0..1


def run_pipeline(
    frames: Iterable[Frame],
    processor: Processor,
    writers: Sequence[OutputWriter],
    *,
    cancel: threading.Event,
    on_frame: Callable[[int], None] | None = None,
    queue_size: int = 6,
) -> PipelineStats:
    """Run every frame through ``processor`` into ``writers``; returns statistics.

    :param frames: the source frames in order (a :class:`~mattebox.media.reader.VideoReader`).
    :param processor: the backend's processor (already prepared).
    :param writers: the outputs; they are *not* closed here (the caller finalises or aborts them).
    :param cancel: set it to stop; :class:`CancelledError` is raised.
    :param on_frame: called from the encoder thread with the number of frames written so far.
    """
    stats = PipelineStats()
    started = time.perf_counter()
    batch_size = max(1, int(getattr(processor, "batch_size", 1) or 1))
    q_in: queue.Queue = queue.Queue(maxsize=max(queue_size, batch_size + 2))
    q_out: queue.Queue = queue.Queue(maxsize=queue_size)
    errors: list[BaseException] = []

    def decode() -> None:
        try:
            for frame in frames:
                if not _put(q_in, frame, cancel):
                    return
            _put(q_in, _End(), cancel)
        except BaseException as exc:  # forwarded to the caller
            _put(q_in, _Failed(exc), cancel)

    def encode() -> None:
        try:
            while True:
                item = _get(q_out, cancel)
                if isinstance(item, _End):
                    return
                frame, result = item
                t0 = time.perf_counter()
                for writer in writers:
                    writer.write(frame, result)
                if result.release is not None:
                    result.release()
                stats.write += time.perf_counter() - t0
                frame.drop_pixels()
                stats.frames += 1
                if on_frame is not None:
                    on_frame(stats.frames)
        except CancelledError:
            return
        except BaseException as exc:
            errors.append(exc)
            cancel.set()

    decoder = threading.Thread(target=decode, name="mattebox-decode", daemon=True)
    encoder = threading.Thread(target=encode, name="mattebox-encode", daemon=True)
    decoder.start()
    encoder.start()
    pending: deque[Frame] = deque()

    def emit(results: list[MatteResult]) -> None:
        if len(results) > len(pending):
            raise MatteboxError("InternalServerError.Algo", f"the backend returned {len(results)} mattes for {len(pending)} frames")
        for result in results:
            frame = pending.popleft()
            _check_result(frame, result)
            if not _put(q_out, (frame, result), cancel):
                raise CancelledError()

    try:
        done = False
        while not done:
            batch: list[Frame] = []
            while len(batch) < batch_size:
                item = _get(q_in, cancel) if not batch else _try_get(q_in)
                if item is None:
                    break
                if isinstance(item, _End):
                    done = True
                    break
                if isinstance(item, _Failed):
                    raise item.error
                batch.append(item)
            if errors:
                raise errors[0]
            if cancel.is_set():
                raise CancelledError()
            if batch:
                pending.extend(batch)
                t0 = time.perf_counter()
                results = processor.process(batch)
                stats.process += time.perf_counter() - t0
                emit(results)
        emit(processor.finish())
        if pending:
            raise MatteboxError("InternalServerError.Algo", f"the backend returned no matte for {len(pending)} frame(s)")
        _put(q_out, _End(), cancel)
        encoder.join()
        if errors:
            raise errors[0]
        if cancel.is_set():
            raise CancelledError()
    except CancelledError:
        cancel.set()
        if errors:  # the encoder failed and stopped everything: report its error, not a cancel
            raise errors[0] from None
        raise
    except BaseException:
        cancel.set()
        raise
    finally:
        cancel_was_set = cancel.is_set()
        if cancel_was_set:
            # unblock the threads; they exit at their next poll
            _drain(q_in)
            _drain(q_out)
        decoder.join(timeout=10)
        encoder.join(timeout=30)
        stats.wall = time.perf_counter() - started
    return stats


def _try_get(q: queue.Queue) -> object | None:
    """The next item if one is ready within a moment (to fill a batch), else ``None``."""
    try:
        return q.get(timeout=0.005)
    except queue.Empty:
        return None


def _drain(q: queue.Queue) -> None:
    try:
        while True:
            q.get_nowait()
    except queue.Empty:
        pass
