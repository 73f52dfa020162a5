"""Temporal smoothing of mattes against flicker, without ghosting moving edges.

A per-pixel exponential moving average whose weight falls where the image changed between frames:
still regions get the full smoothing, moving edges follow the current frame. The filter is causal
(no frame is held back) and its state is the caller's explicit object, reset at scene cuts.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["TemporalSmoother"]


class TemporalSmoother:
    """Motion-gated exponential smoothing of a matte sequence.

    :param strength: 0 (off) .. 1 (maximum); the share of the previous smoothed matte kept where nothing moves.
    :param motion_threshold: luma change (0..1) above which a pixel counts as moving.
    :param scene_cut: mean luma change (0..1) above which the state is reset.
    """

    def __init__(self, strength: float = 0.6, motion_threshold: float = 0.04, scene_cut: float = 0.25) -> None:
        if not 0.0 <= strength < 1.0:
            raise ValueError("strength must be in [0, 1)")
        self.strength = float(strength)
        self.motion_threshold = float(motion_threshold)
        self.scene_cut = float(scene_cut)
        self._prev_alpha: np.ndarray | None = None
        self._prev_luma: np.ndarray | None = None

    def reset(self) -> None:
        """Forget the past (call at a scene cut or a new clip)."""
        self._prev_alpha = None
        self._prev_luma = None

    @staticmethod
    def _small_luma(luma: np.ndarray) -> np.ndarray:
        h, w = luma.shape[:2]
        scale = max(1, int(round(max(h, w) / 480)))
        small = cv2.resize(luma, (w // scale, h // scale), interpolation=cv2.INTER_AREA) if scale > 1 else luma
        small = small.astype(np.float32) * (1.0 / 255.0 if luma.dtype == np.uint8 else 1.0)
        return cv2.GaussianBlur(small, (5, 5), 0)

    def __call__(self, alpha: np.ndarray, luma: np.ndarray) -> np.ndarray:
        """Smooth ``alpha`` (float32 H×W) given the frame's luma (uint8 or float, H×W)."""
        if self.strength <= 0.0:
            return alpha
        alpha = alpha.astype(np.float32, copy=False)
        small = self._small_luma(luma)
        prev_a, prev_l = self._prev_alpha, self._prev_luma
        if prev_a is None or prev_l is None or prev_a.shape != alpha.shape or prev_l.shape != small.shape:
            out = alpha
        else:
            change = cv2.absdiff(small, prev_l)
            if float(cv2.mean(change)[0]) > self.scene_cut:
                out = alpha
            else:
                out = alpha.copy()
                # where both mattes are 0 the blend changes nothing: work on the box holding either's foreground
                x, y, w, h = cv2.boundingRect(cv2.bitwise_or(cv2.compare(alpha, 0.0, cv2.CMP_GT), cv2.compare(prev_a, 0.0, cv2.CMP_GT)))
                if w and h:
                    self._blend(out[y : y + h, x : x + w], prev_a[y : y + h, x : x + w], change, (x, y, w, h), alpha.shape)
        self._prev_alpha = out
        self._prev_luma = small
        return out

    def _still_weight(self, change: np.ndarray) -> np.ndarray:
        """The past's weight from the luma change, in place: strength where still, 0 past the motion threshold."""
        cv2.min(change, self.motion_threshold, dst=change)
        cv2.multiply(change, self.strength / self.motion_threshold, dst=change)
        return cv2.subtract(self.strength, change, dst=change)

    def _blend(self, out: np.ndarray, prev: np.ndarray, change: np.ndarray, box: tuple[int, int, int, int],
               shape: tuple[int, ...]) -> None:
        """``out += weight * (prev - out)`` in place, over ``box`` of a matte of ``shape`` (``change``: the luma change map)."""
        x, y, w, h = box
        if change.shape == shape:
            weight = self._still_weight(change[y : y + h, x : x + w].copy())
        else:
            still = cv2.resize(self._still_weight(change), (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)
            weight = still[y : y + h, x : x + w].copy()
        diff = cv2.subtract(prev, out)
        # also let large matte changes through (a limb appearing) to avoid ghosts: gate = max(1 - 2|diff|, 0)
        gate = cv2.absdiff(diff, 0.0)
        cv2.subtract(1.0, cv2.multiply(gate, 2.0, dst=gate), dst=gate)
        cv2.max(gate, 0.0, dst=gate)
        cv2.multiply(weight, gate, dst=weight)
        cv2.add(out, cv2.multiply(weight, diff, dst=diff), dst=out)
