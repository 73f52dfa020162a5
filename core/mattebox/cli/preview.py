"""``mattebox preview``: a PNG contact sheet (source | matte | composite) for a few frames.

People would rather look than read: a sheet shows at once whether a key holds.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
from typing import Any, Mapping

from ..errors import MatteboxError

__all__ = ["add_parser", "make_contact_sheet"]


class _PreviewContext:
    """A JobContext for processing a few frames outside the job store."""

    def __init__(self, source, frame_start: int, frame_count: int) -> None:
        self.job_id = "preview"
        self.source = source
        self.frame_start = frame_start
        self.frame_count = frame_count
        self.workdir = tempfile.mkdtemp(prefix="mattebox-preview-")
        self._cancel = threading.Event()
        self._state: dict[str, Any] = {}

    def report(self, stage: str, fraction: float, message: str = "") -> None:
        return None

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def remote_state(self) -> dict[str, Any]:
        return dict(self._state)

    def save_remote_state(self, state: Mapping[str, Any]) -> None:
        self._state = dict(state)


def _checker(h: int, w: int, size: int = 16):
    import numpy as np

    yy, xx = np.mgrid[0:h, 0:w]
    tile = (((yy // size) + (xx // size)) % 2).astype(np.uint8)
    return np.where(tile[..., None] == 1, 200, 120).astype(np.uint8).repeat(3, axis=2)


def make_contact_sheet(task: str, source: str, output: str, *, count: int = 4, backend: str | None = None,
                       options: Mapping[str, Any] | None = None, width: int = 480, registry=None) -> str:
    """Key ``count`` evenly spaced frames of ``source`` and write a sheet PNG to ``output``.

    :returns: ``output``. Rows are frames; columns source | matte | composite over a checkerboard.
    """
    import cv2
    import numpy as np

    from ..matte.composite import composite_over
    from ..media.probe import probe
    from ..media.reader import FrameRange, VideoReader
    from ..plugins import get_registry
    from ..runner import resolve_options
    from ..tasks import Task
    from .. import upright

    t = Task.parse(task)
    info = probe(source)
    chosen = (registry or get_registry()).resolve(t, backend)
    n = info.video.frame_count
    picks = sorted({int(round(i)) for i in np.linspace(0, n - 1, num=max(1, min(count, n)))})
    ctx = _PreviewContext(info, 0, n)
    processor = upright.for_source(chosen, chosen.create(t, resolve_options(chosen, t, options), ctx), info)
    shown = info.video.orientation if info.video.orientation is not None and info.video.orientation.rectilinear else None
    rows = []
    try:
        processor.prepare()
        wanted = set(picks)
        frames, results = [], []
        for frame in VideoReader(info, FrameRange(0, picks[-1])):
            if frame.index not in wanted:
                continue
            frames.append(frame)
            results.extend(processor.process([frame]))
        results.extend(processor.finish())
        for frame, result in zip(frames, results):
            rgb = frame.rgb()
            alpha = result.alpha
            fg = result.foreground_rgb(frame.color)
            if fg is None:
                fg = rgb
            comp = composite_over(fg, alpha, _checker(*alpha.shape))
            matte = cv2.cvtColor(np.clip(alpha * 255 + 0.5, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2RGB)
            cells = [rgb, matte, comp]
            if shown is not None:  # people look at the clip as it is shown
                cells = [np.ascontiguousarray(shown.upright(x)) for x in cells]
            h = int(round(cells[0].shape[0] * width / cells[0].shape[1]))
            cells = [cv2.resize(x, (width, h), interpolation=cv2.INTER_AREA) for x in cells]
            row = np.hstack(cells)
            cv2.putText(row, f"frame {frame.index}", (8, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (255, 255, 0), 1, cv2.LINE_AA)
            rows.append(row)
    finally:
        processor.close()
    sheet = np.vstack(rows)
    if not cv2.imwrite(output, cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR)):
        raise MatteboxError("InvalidOutput.Path", f"cannot write {output}")
    return output


def cmd_preview(args: argparse.Namespace) -> int:
    from .options import collect_backend_options

    folder = os.path.dirname(os.path.abspath(args.output)) or "."
    if not os.path.isdir(folder):
        raise MatteboxError("InvalidOutput.Path", f"the output folder {folder} does not exist")
    path = make_contact_sheet(args.task, args.input, args.output, count=args.count, backend=args.backend,
                              options=collect_backend_options(args), width=args.width)
    print(path)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("preview", help="a PNG contact sheet: source | matte | composite for N frames")
    p.add_argument("task")
    p.add_argument("input")
    p.add_argument("-o", "--output", required=True, help="the sheet (.png)")
    p.add_argument("--count", type=int, default=4, help="number of frames (default 4)")
    p.add_argument("--backend", default=None)
    p.add_argument("--width", type=int, default=480, help="width of each cell in pixels")
    p.set_defaults(func=cmd_preview)
