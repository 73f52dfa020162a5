"""A backend with a matte of known regions, for checking layers in Blender pixel by pixel.

For source frame ``i`` of a W x H clip: alpha is exactly 1 in the top half, exactly 0 in the
bottom-left eighth (``x < W/8``), and ``level(i) = ((i % 40) + 1) / 41`` in the rest of the bottom
half, so a rendered pixel there tells which source frame the layer showed.
"""

from typing import Any, Mapping, Sequence

import numpy as np

from mattebox import hookimpl
from mattebox.backend import MatteResult, Option, TaskSupport
from mattebox.limits import Limits
from mattebox.tasks import Task


def level(index: int) -> float:
    return ((index % 40) + 1) / 41.0


class RegionsProcessor:
    batch_size = 4

    def __init__(self, context) -> None:
        self.context = context

    def prepare(self) -> None:
        return None

    def process(self, frames: Sequence) -> list:
        out = []
        for frame in frames:
            alpha = np.full((frame.height, frame.width), level(frame.index), np.float32)
            alpha[: frame.height // 2] = 1.0
            alpha[frame.height // 2 :, : frame.width // 8] = 0.0
            out.append(MatteResult(alpha))
        return out

    def finish(self) -> list:
        return []

    def close(self) -> None:
        return None


class RegionsBackend:
    name = "regions"
    description = "test backend: alpha 1 on top, 0 bottom left, a frame-index level bottom right"

    def tasks(self):
        return {t: TaskSupport(True) for t in Task}

    def limits(self, task: Task) -> Limits:
        return Limits(min_side=16)

    def options(self, task: Task):
        return [Option("note", str, "", "ignored; lets tests pass a backend option")]

    def create(self, task: Task, options: Mapping[str, Any], context) -> RegionsProcessor:
        return RegionsProcessor(context)


@hookimpl
def mattebox_backends():
    return [RegionsBackend()]
