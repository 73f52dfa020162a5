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
        small = self._small_luma(luma)
        prev_a, prev_l = self._prev_alpha, self._prev_luma
        if prev_a is None or prev_l is None or prev_a.shape != alpha.shape or prev_l.shape != small.shape:
            out = alpha
        else:
            change = cv2.absdiff(small, prev_l)
            if float(change.mean()) > self.scene_cut:
                out = alpha
            else:
                # weight of the past: strength where still, falling to 0 past the motion threshold
                still = 1.0 - np.minimum(change * (1.0 / self.motion_threshold), 1.0)
                # also let large matte changes through (a limb appearing) to avoid ghosts
                weight = cv2.resize(still * self.strength, (alpha.shape[1], alpha.shape[0]), interpolation=cv2.INTER_LINEAR)
                diff = cv2.subtract(prev_a, alpha)
                gate = np.maximum(1.0 - np.abs(diff) * 2.0, 0.0)
                weight *= gate
                out = alpha + weight * diff
        self._prev_alpha = out
        self._prev_luma = small
        return out
