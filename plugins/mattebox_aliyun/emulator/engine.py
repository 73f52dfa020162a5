"""What the emulator's jobs run: a callable turning a clip into a mask video.

The default, :class:`LocalBackendEngine`, runs mattebox's own local backends through
:func:`mattebox.api.run` (``onnx`` for the person tasks, ``keyer`` for green screen), so an emulated
job's result is a real matte, written as the service writes it: an MP4 with the mask in luma.
:class:`LumaEngine` needs no model and costs almost nothing: each frame's own luma is its mask,
which makes every mask name its source frame (tests of frame-exact stitching, benchmarks with a
fixed processing time). Any callable with the same signature can stand in.
"""

from __future__ import annotations

import os
import threading
from typing import Mapping, Protocol

from mattebox.tasks import Task

__all__ = ["DEFAULT_ENGINE_BACKENDS", "JobEngine", "LocalBackendEngine", "LumaEngine"]

DEFAULT_ENGINE_BACKENDS: dict[Task, str] = {Task.BODY: "onnx", Task.HALFBODY: "onnx", Task.GREENSCREEN: "keyer"}


class JobEngine(Protocol):
    """Writes the mask video for ``source`` to ``output`` (an ``.mp4``); raises MatteboxError on failure."""

    def __call__(self, task: Task, source: str, output: str, cancel: threading.Event) -> None: ...


class LocalBackendEngine:
    """Runs a local mattebox backend per task, with its own job store under ``workdir``.

    :param backends: backend name per task (defaults: :data:`DEFAULT_ENGINE_BACKENDS`).
    """

    def __init__(self, workdir: str, backends: Mapping[Task, str] | None = None) -> None:
        self.workdir = workdir
        self.backends = dict(DEFAULT_ENGINE_BACKENDS)
        self.backends.update(backends or {})
        self._store = None
        self._lock = threading.Lock()

    def _job_store(self):
        from mattebox.store import JobStore

        with self._lock:
            if self._store is None:
                os.makedirs(self.workdir, exist_ok=True)
                self._store = JobStore(os.path.join(self.workdir, "engine-jobs.sqlite3"))
            return self._store

    def __call__(self, task: Task, source: str, output: str, cancel: threading.Event) -> None:
        from mattebox.api import run

        run(task, source, output, kind="matte", backend=self.backends[task], overwrite=True,
            store=self._job_store(), cancel=cancel)


class LumaEngine:
    """The mask of each frame is the frame's own luma (decoded and encoded for real, no model)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, task: Task, source: str, output: str, cancel: threading.Event) -> None:
        import av

        from mattebox.errors import CancelledError

        self.calls += 1
        with av.open(source) as src, av.open(output, "w", format="mp4") as out:
            ins = src.streams.video[0]
            rate = ins.average_rate or 25
            stream = out.add_stream("libx264", rate=rate)
            stream.width, stream.height, stream.pix_fmt = ins.codec_context.width, ins.codec_context.height, "yuv420p"
            stream.options = {"preset": "ultrafast", "crf": "8"}
            time_base = 1 / rate
            for n, frame in enumerate(src.decode(ins)):
                if cancel.is_set():
                    raise CancelledError("the emulator stopped")
                gray = av.VideoFrame.from_ndarray(frame.to_ndarray(format="gray"), format="gray").reformat(format="yuv420p")
                gray.pts, gray.time_base = n, time_base
                for packet in stream.encode(gray):
                    out.mux(packet)
            for packet in stream.encode(None):
                out.mux(packet)
