"""Follow the people from frame to frame so the whole-frame model pass runs only when it can matter.

The crop pass (the model on a rectangle around the people, :func:`~mattebox_onnx.refine.person_crop`)
gives the sharp mask; the whole-frame pass finds where to crop and covers what lies outside the
crop. While the camera and everything outside the crop stay still, the whole-frame pass would
find the same people in the same place, so :class:`CropTracker` lets the crop follow the people
from the previous crop pass's own mask and keeps the last whole-frame mask for the outside. The
whole-frame pass runs again when anything outside the crop changes (someone enters, the camera
moves, the light changes), when the people reach the crop's edge, after a scene cut, when the
crop is lost (nobody left, or too big to crop), and at least every ``refresh`` frames.
"""

from __future__ import annotations

import cv2
import numpy as np

from .preprocess import Rect
from .refine import person_crop
from .upsample import small_luma as reduce_luma

__all__ = ["CropTracker", "reaches_edge"]


def reaches_edge(mask: np.ndarray, crop: Rect, width: int, height: int, *, threshold: float = 0.5, band: int = 2) -> bool:
    """True when the foreground of ``mask`` (the crop pass over ``crop``) touches a crop edge that is inside the frame."""
    fg = mask > threshold
    h, w = fg.shape
    x0, y0, x1, y1 = crop
    return bool((x0 > 0.5 and fg[:, :band].any()) or (x1 < width - 0.5 and fg[:, w - band :].any())
                or (y0 > 0.5 and fg[:band].any()) or (y1 < height - 0.5 and fg[h - band :].any()))


class CropTracker:
    """Whether frames need the whole-frame pass, and where their crop pass looks; one per job.

    :param width: frame width; ``height`` likewise.
    :param work_size: the working resolution ``(w, h)`` of the merged masks.
    :param aspect: the model's input aspect (width / height), for :func:`person_crop`.
    :param refresh: the whole-frame pass runs at least every this many frames.
    :param change: a thumbnail cell outside the crops whose luma changed by more than this (0..1) since
        the last whole-frame pass calls for a new one.
    """

    def __init__(self, width: int, height: int, work_size: tuple[int, int], aspect: float, *, refresh: int = 12,
                 change: float = 0.06) -> None:
        self.width, self.height = width, height
        self.work_size = work_size
        self.aspect = aspect
        self.refresh = refresh
        self.change = change
        w, h = work_size
        whole = [k for k in range(2, max(w, h) + 1) if w % k == 0 and h % k == 0]
        k = min(whole, key=lambda k: abs(k - max(w, h) / 80)) if whole else 0
        # about 80 cells across, a whole factor of the working size when there is one (the fast reduction)
        self.thumb_size = (w // k, h // k) if k else (max(1, w // 8), max(1, h // 8))
        self.reset()

    def reset(self) -> None:
        """Forget everything (a scene cut): the next frame runs the whole-frame pass."""
        self.crop: Rect | None = None  # where the next crop pass looks
        self._outside: np.ndarray | None = None  # last whole-frame mask (working resolution) with its crop cleared
        self._ref_thumb: np.ndarray | None = None
        self._ref_crop: Rect | None = None
        self._age = 0

    def thumbnail(self, small_luma: np.ndarray) -> np.ndarray:
        """The frame's luma thumbnail (float32 0..1) used to notice change outside the crop."""
        return reduce_luma(small_luma, *self.thumb_size).astype(np.float32) * np.float32(1.0 / 255.0)

    def _cells(self, rect: Rect) -> tuple[int, int, int, int]:
        """``rect`` in thumbnail cells, grown by one cell on every side."""
        tw, th = self.thumb_size
        sx, sy = tw / self.width, th / self.height
        return (max(0, int(rect[0] * sx) - 1), max(0, int(rect[1] * sy) - 1),
                min(tw, int(np.ceil(rect[2] * sx)) + 1), min(th, int(np.ceil(rect[3] * sy)) + 1))

    def _changed(self, thumb: np.ndarray, ref: np.ndarray) -> bool:
        """Did the luma change anywhere outside the followed crops since ``ref``?"""
        changed = cv2.absdiff(thumb, ref) > self.change
        for rect in (self.crop, self._ref_crop):
            if rect is not None:
                x0, y0, x1, y1 = self._cells(rect)
                changed[y0:y1, x0:x1] = False
        return bool(changed.any())

    def plan(self, thumbs: list[np.ndarray], cuts: list[bool]) -> list[bool]:
        """Which of the next frames (in order) need the whole-frame pass, decided before any of them runs.

        After a planned whole-frame pass the later frames count their age and compare their
        thumbnail from it (a pass that then finds nobody to crop is caught frame by frame).
        """
        full: list[bool] = []
        ready = self.crop is not None and self._outside is not None and self._ref_thumb is not None
        ref, age = self._ref_thumb, self._age
        for thumb, cut in zip(thumbs, cuts):
            need = cut or not ready or age + 1 >= self.refresh or self._changed(thumb, ref)
            if need:
                ready, ref, age = True, thumb, 0
            else:
                age += 1
            full.append(need)
        return full

    def after_full(self, work_mask: np.ndarray, crop: Rect | None, thumb: np.ndarray) -> None:
        """Record a whole-frame pass: its working-resolution mask, the crop chosen from it, the frame's thumbnail."""
        outside = work_mask.copy()
        if crop is not None:
            ww, wh = self.work_size
            sx, sy = ww / self.width, wh / self.height
            outside[max(0, int(crop[1] * sy)) : int(np.ceil(crop[3] * sy)), max(0, int(crop[0] * sx)) : int(np.ceil(crop[2] * sx))] = 0.0
        self._outside = outside
        self._ref_thumb = thumb
        self._ref_crop = crop
        self.crop = crop
        self._age = 0

    def outside(self) -> np.ndarray:
        """A fresh copy of the last whole-frame mask outside its crop: the base a followed frame's crop merges into."""
        assert self._outside is not None
        return self._outside.copy()

    def follow(self, crop_mask: np.ndarray, crop: Rect) -> None:
        """Move the crop onto the people as the crop pass over ``crop`` found them (or lose it)."""
        self._age += 1
        self.crop = person_crop(crop_mask, crop, self.width, self.height, aspect=self.aspect)
