"""Finding the screen: its colour, its per-pixel clean plate, and how noisy it is.

Everything here runs on small images (an eighth of the frame's size): the screen's lighting
varies slowly, so a coarse clean plate upsampled is as good as a full one at a fraction of the
cost. The plate is filled under the subject by push-pull (normalised convolution over an image
pyramid), which extends the lighting seen around the subject smoothly across it.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["SCREEN_CHANNEL", "detect_screen", "hue_near", "push_pull", "screen_difference", "screen_plate"]

# The channel that carries the screen (R=0, G=1, B=2) and the two others.
SCREEN_CHANNEL = {"green": (1, 0, 2), "blue": (2, 0, 1)}


def screen_difference(lin: np.ndarray, screen: str, balance: float) -> np.ndarray:
    """The colour difference: the screen channel minus a mix of the other two (float32 H×W).

    ``balance`` 1 takes the larger of the other two channels (keeps yellows and cyans opaque),
    0 their average (closer for skin and other warm colours): ``key − mean(others) − balance ×
    |others' difference| / 2`` (the max is the mean plus half the difference). The absolute value
    is the smaller of the two signed sums, so it takes two weighted sums of the channels and their
    minimum: three passes over the image.
    """
    k, o1, o2 = SCREEN_CHANNEL[screen]
    m = np.zeros((1, 3), np.float32)  # one output row per transform: OpenCV's fast path
    m[0, k], m[0, o1], m[0, o2] = 1.0, -0.5, -0.5
    if balance <= 0.0:
        return cv2.transform(lin, m)
    other = m.copy()
    m[0, o1] -= 0.5 * balance
    m[0, o2] += 0.5 * balance
    other[0, o1] += 0.5 * balance
    other[0, o2] -= 0.5 * balance
    # not cv2.absdiff(x, 0.0) either: OpenCV reads a 1x1 or 4x1 x as a scalar
    return cv2.min(cv2.transform(lin, m), cv2.transform(lin, other))


def detect_screen(lin_small: np.ndarray) -> tuple[str, np.ndarray]:
    """Which screen (``green`` or ``blue``) fills this frame, and its typical colour (linear RGB).

    The screen is the colour whose difference is strongest over the brightest tenth of the frame
    where it dominates; its colour is the median of the pixels clearly showing it.
    """
    best, best_score, best_mask = "green", -1.0, None
    for screen in ("green", "blue"):
        d = screen_difference(lin_small, screen, 1.0)
        score = float(np.percentile(d, 75))
        if score > best_score:
            best, best_score = screen, score
            best_mask = d > 0.5 * max(float(np.percentile(d, 95)), 1e-4)
    pixels = lin_small[best_mask] if best_mask is not None and best_mask.any() else lin_small.reshape(-1, 3)
    return best, np.median(pixels, axis=0).astype(np.float32)


def push_pull(values: np.ndarray, weights: np.ndarray, *, min_size: int = 4) -> np.ndarray:
    """Fill ``values`` where ``weights`` is 0 from the weighted values around, at every scale.

    :param values: float32 (h, w) or (h, w, c).
    :param weights: float32 (h, w) in 0..1 (1: known).
    :returns: a smooth completion of ``values`` (float32, same shape).
    """
    weights = weights.astype(np.float32, copy=False)
    chans = values.shape[2] if values.ndim == 3 else 0
    # per-pixel factors as images of the values' channel count: OpenCV's arithmetic does not broadcast
    spread = (lambda m: cv2.merge([m] * chans)) if chans else (lambda m: m)
    sums, wts = [cv2.multiply(values, spread(weights))], [weights]
    while min(wts[-1].shape[:2]) >= 2 * min_size:
        sums.append(cv2.pyrDown(sums[-1]))
        wts.append(cv2.pyrDown(wts[-1]))
    if not float(wts[-1].max()) > 0:  # nothing known at all
        return np.zeros_like(values)
    out = cv2.divide(sums[-1], spread(np.maximum(wts[-1], 1e-6)))
    for level in range(len(sums) - 2, -1, -1):
        w = wts[level]
        coarse = cv2.pyrUp(out, dstsize=(w.shape[1], w.shape[0]))
        trust = np.minimum(w * 4.0, 1.0)
        # coarse + trust × (sums / w − coarse), as coarse × (1 − trust) + sums × (trust / w)
        keep = spread(1.0 - trust)
        take = spread(trust / np.maximum(w, 1e-6))
        out = cv2.add(cv2.multiply(coarse, keep), cv2.multiply(sums[level], take))
    return out


def _chromaticity(rgb: np.ndarray) -> np.ndarray:
    return rgb / np.maximum(rgb.sum(axis=-1, keepdims=True), 1e-6)


def hue_near(lin_small: np.ndarray, colour: np.ndarray, tolerance: float) -> np.ndarray:
    """Pixels whose chromaticity lies within ``tolerance`` (L1) of ``colour``'s (bool)."""
    return np.abs(_chromaticity(lin_small) - _chromaticity(np.asarray(colour, np.float32))).sum(axis=-1) < tolerance


def screen_plate(
    d_small: np.ndarray,
    lin_small: np.ndarray,
    reference: tuple[np.ndarray, float],
    *,
    passes: int = 2,
    hue_tolerance: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The clean plate at low resolution: screen colour (h, w, 3) and difference (h, w) per pixel.

    A pixel is screen where its difference reaches most of the brightest screen around it (so hot
    spots and dim corners count as screen, the subject does not); the plate is filled under the
    subject with :func:`push_pull` and refined once against itself.

    :param d_small: the colour difference at low resolution.
    :param lin_small: the linear RGB image at the same size.
    :param reference: the screen's linear RGB and its difference, used when no screen pixel is visible.
    :param hue_tolerance: if given, only pixels whose chromaticity lies this close to the reference's
        count as screen (the user named the screen's colour).
    :returns: (plate RGB, plate difference, screen mask as float32 0/1).
    """
    h, w = d_small.shape
    r = max(3, w // 10)
    local_max = cv2.dilate(d_small, np.ones((2 * r + 1, 2 * r + 1), np.uint8))
    local_max = cv2.GaussianBlur(local_max, (0, 0), r / 2.0)
    screen = (d_small > 0.65 * local_max) & (d_small > 1e-3)
    if hue_tolerance is not None:
        near = hue_near(lin_small, reference[0], hue_tolerance)
        screen &= near
    kernel = np.ones((3, 3), np.uint8)
    mask = np.zeros((h, w), np.float32)
    d_plate = np.zeros_like(d_small)
    for _ in range(passes):
        mask = cv2.erode(screen.astype(np.uint8), kernel).astype(np.float32)
        if not mask.any():
            break
        d_plate = cv2.GaussianBlur(push_pull(d_small, mask), (0, 0), 1.5)
        screen = d_small > 0.85 * d_plate
        if hue_tolerance is not None:
            screen &= near
    if not mask.any():
        colour, difference = reference
        plate = np.broadcast_to(np.asarray(colour, np.float32), (h, w, 3)).copy()
        return plate, np.full((h, w), float(difference), np.float32), mask
    plate = cv2.GaussianBlur(push_pull(lin_small, mask), (0, 0), 1.5)
    return plate, d_plate, mask
