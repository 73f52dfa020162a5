"""The keyer's :class:`~mattebox.backend.Processor`: frames in presentation order → mattes in the same order.

Without temporal smoothing every frame is answered at once. With it, a frame is answered when its
successor has been keyed (the smoothing looks one frame ahead), so :meth:`process` returns one
result fewer than it was given the first time, and :meth:`finish` returns the last frame.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Sequence

from mattebox.backend import MatteResult
from mattebox.media.frame import Frame

from .keyer import HalfMatte, Keyer
from .settings import KeyerSettings
from .temporal import centred_smooth

__all__ = ["KeyerProcessor"]

log = logging.getLogger(__name__)


class KeyerProcessor:
    """Keys one job's frames.

    :param settings: the keyer's parameters.
    """

    batch_size = 1

    def __init__(self, settings: KeyerSettings | None = None) -> None:
        self.settings = settings or KeyerSettings()
        self.keyer = Keyer(self.settings)
        self._waiting: deque[tuple[Frame, HalfMatte]] = deque()  # keyed, not yet answered
        self._previous: HalfMatte | None = None  # the last answered frame's raw estimate

    def prepare(self) -> None:
        return None

    def _estimate(self, frame: Frame) -> HalfMatte:
        y, cb, cr = frame.ycbcr420()
        return self.keyer.estimate(y, cb, cr, frame.color)

    def _answer(self, frame: Frame, half: HalfMatte, following: HalfMatte | None) -> MatteResult:
        alpha_half = half.alpha
        if self.settings.temporal > 0:
            neighbours = [(m.alpha, m.luma_half) for m in (self._previous, following)
                          if m is not None and m.alpha.shape == half.alpha.shape]
            alpha_half = centred_smooth(half.alpha, half.luma_half, neighbours, self.settings.temporal)
        self._previous = half
        y, cb, cr = frame.ycbcr420()
        alpha, fg = self.keyer.finish_matte(half, alpha_half, y, cb, cr, frame.color)
        return MatteResult(alpha=alpha, foreground=fg)

    def process(self, frames: Sequence[Frame]) -> list[MatteResult]:
        """Mattes for the oldest frames not yet answered (one behind when smoothing in time)."""
        results: list[MatteResult] = []
        for frame in frames:
            half = self._estimate(frame)
            if self.settings.temporal <= 0:
                results.append(self._answer(frame, half, None))
                continue
            self._waiting.append((frame, half))
            if len(self._waiting) >= 2:
                held_frame, held_half = self._waiting.popleft()
                results.append(self._answer(held_frame, held_half, self._waiting[0][1]))
        return results

    def finish(self) -> list[MatteResult]:
        """The frame still held back for temporal smoothing, if any."""
        results = []
        while self._waiting:
            frame, half = self._waiting.popleft()
            results.append(self._answer(frame, half, self._waiting[0][1] if self._waiting else None))
        return results

    def close(self) -> None:
        self._waiting.clear()
        self._previous = None
