"""The synthetic scene: an unevenly lit screen and a figure made of moving layers.

Everything is built in linear light from a seed: a screen with gradients, hot spots, fabric
wrinkles and a colour-temperature drift; a textured figure (legs, torso with an optional dull
screen-coloured shirt, a swinging arm, a head with fine hair strands, a translucent scarf) and a
fast ball. Screen light spills onto the figure near its outline. :class:`Difficulty` sets how hard
each of these is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from .layers import Layer, Pose, fbm, hair_strands, spill_tint, supersampled

__all__ = ["Difficulty", "PRESETS", "SCREEN_COLORS", "Scene", "build_scene", "srgb_to_linear"]

# Typical paint colours of keying screens (sRGB 8-bit).
SCREEN_COLORS = {"green": (38, 168, 72), "blue": (28, 72, 186)}


def srgb_to_linear(rgb: tuple[float, float, float] | np.ndarray) -> np.ndarray:
    """sRGB 8-bit code values → linear light (float32)."""
    v = np.asarray(rgb, dtype=np.float64) / 255.0
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4).astype(np.float32)


@dataclass(frozen=True)
class Difficulty:
    """How hard a synthetic clip is to key.

    :param noise: sensor noise standard deviation in linear light (per channel, blue a bit noisier).
    :param unevenness: 0 (flat screen) .. 1 (strong gradients, hot spots, wrinkles, colour drift).
    :param spill: how much screen light bounces onto the figure near its outline (0..1).
    :param motion: speed of every move; motion blur grows with it (0 freezes the figure).
    :param hair: density of the fine, semi-transparent hair strands (0 removes them).
    :param translucency: opacity of the translucent part of the scarf (0 removes the scarf).
    :param screenish_clothing: 0 dresses the torso in red; above 0 in a shirt of the screen's hue, from dark
        and distinct (0.01) to a dull, pale, screen-like shade (1) that colour-difference keys turn transparent.
    :param shutter: fraction of the frame interval the shutter stays open (motion-blur length).
    """

    noise: float = 0.010
    unevenness: float = 0.5
    spill: float = 0.3
    motion: float = 1.0
    hair: float = 1.0
    translucency: float = 0.4
    screenish_clothing: float = 0.5
    shutter: float = 0.5


PRESETS: dict[str, Difficulty] = {
    "easy": Difficulty(
        noise=0.004, unevenness=0.2, spill=0.15, motion=0.6, hair=0.5, translucency=0.35, screenish_clothing=0.0
    ),
    "medium": Difficulty(),
    "hard": Difficulty(
        noise=0.018, unevenness=0.9, spill=0.5, motion=1.5, hair=1.5, translucency=0.45, screenish_clothing=0.8
    ),
}


@dataclass
class Scene:
    """A screen plate and the figure's layers (back to front), ready to render."""

    width: int
    height: int
    screen_plate: np.ndarray  # (H, W, 3) float32 linear
    screen_linear: np.ndarray  # the nominal screen colour, linear
    layers: list[Layer] = field(default_factory=list)
    flicker: np.ndarray = field(default_factory=lambda: np.ones(1, np.float32))


def _screen_plate(rng: np.random.Generator, w: int, h: int, colour: np.ndarray, uneven: float) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    xn, yn = xx / w - 0.5, yy / h - 0.5
    gx, gy = rng.uniform(-1, 1, 2)
    light = 1.0 + uneven * (0.45 * gx * xn + 0.3 * gy * yn - 0.5 * (xn**2 + yn**2))
    light += uneven * 0.18 * fbm(rng, h, w, base=2, octaves=3)
    for _ in range(rng.integers(2, 5)):  # hot spots and dim patches
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(0.1, 0.3) * h
        light += uneven * rng.uniform(-0.25, 0.3) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
    wrinkles = fbm(rng, h, w, base=12, octaves=3)
    light *= 1.0 + uneven * 0.06 * wrinkles
    light = np.clip(light, 0.35, 1.6)
    drift = fbm(rng, h, w, base=2, octaves=2)
    plate = np.empty((h, w, 3), np.float32)
    for c in range(3):
        tint = 1.0 + uneven * (0.12 if c != 1 else 0.03) * drift * (1 if c == 0 else -1)
        plate[..., c] = colour[c] * light * tint
    return plate


def _textured(
    rng: np.random.Generator, h: int, w: int, colour: tuple[float, float, float], amount: float, base: int = 8
) -> np.ndarray:
    """A (h, w, 3) linear colour image: ``colour`` (sRGB codes) with luminance and hue texture."""
    lin = srgb_to_linear(colour)
    lum = 1.0 + amount * fbm(rng, h, w, base=base, octaves=5)
    img = np.empty((h, w, 3), np.float32)
    for c in range(3):
        img[..., c] = lin[c] * lum * (1.0 + 0.25 * amount * fbm(rng, h, w, base=base // 2 or 1, octaves=2))
    return np.clip(img, 0.0, 1.0)


def _layer(
    coverage: np.ndarray,
    colour: np.ndarray,
    anchor: tuple[float, float],
    pose,
    *,
    screen: np.ndarray,
    spill: float,
    reach: float,
) -> Layer:
    tint = spill_tint(coverage, reach)
    lit = colour + (spill * (0.25 + 0.75 * tint))[..., None] * screen[None, None, :]
    lit = np.clip(lit, 0.0, 1.0)
    return Layer(premult=lit * coverage[..., None], alpha=coverage, anchor=anchor, pose=pose)


def build_scene(
    rng: np.random.Generator, width: int, height: int, frames: int, screen: str, difficulty: Difficulty
) -> Scene:
    """Build the scene for a clip of ``frames`` frames (poses are defined for any time)."""
    d = difficulty
    u = float(height)  # figure sizes scale with the frame height
    screen_lin = srgb_to_linear(SCREEN_COLORS[screen])
    plate = _screen_plate(rng, width, height, screen_lin, d.unevenness)
    spill_k = 0.45 * d.spill
    reach = 0.02 * u
    m = d.motion
    cx0 = 0.5 * width + rng.uniform(-0.05, 0.05) * width
    phase = rng.uniform(0, 2 * math.pi)

    def walk_x(t: float) -> float:
        return cx0 + 0.15 * width * math.sin(2 * math.pi * m * t / 96.0 + phase)

    def bob(t: float) -> float:
        return 0.008 * u * math.sin(4 * math.pi * m * t / 24.0 + phase)

    shoulder_y = 0.40 * u
    layers: list[Layer] = []
    mk = dict(screen=screen_lin, spill=spill_k, reach=reach)

    # legs: two trouser legs swinging a little about the hip
    lw, lh = int(0.30 * u), int(0.36 * u)

    def legs_draw(c: np.ndarray, s: int) -> None:
        for side in (-1, 1):
            top = ((lw / 2 + side * 0.055 * u) * s, 0.02 * u * s)
            bottom = ((lw / 2 + side * 0.075 * u) * s, (lh - 0.02 * u) * s)
            cv2.line(
                c, (int(top[0]), int(top[1])), (int(bottom[0]), int(bottom[1])), 255, int(0.085 * u * s), cv2.LINE_AA
            )

    legs_cov = supersampled(lh, lw, legs_draw)
    legs_col = _textured(rng, lh, lw, (40, 48, 78), 0.35)
    hip_y = shoulder_y + 0.36 * u
    layers.append(
        _layer(
            legs_cov,
            legs_col,
            (lw / 2, 0.02 * u),
            lambda t: Pose(walk_x(t), hip_y + bob(t), 5.0 * math.sin(2 * math.pi * m * t / 24.0)),
            **mk,
        )
    )

    # torso with shirt (dull screen-coloured when asked) and a small bright logo
    tw, th = int(0.34 * u), int(0.42 * u)

    def torso_draw(c: np.ndarray, s: int) -> None:
        pts = np.array([[0.04, 0.05], [0.30, 0.05], [0.26, 0.40], [0.08, 0.40]]) * u * s
        cv2.fillPoly(c, [pts.astype(np.int32)], 255, cv2.LINE_AA)
        for x in (0.07, 0.27):
            cv2.circle(c, (int(x * u * s), int(0.08 * u * s)), int(0.05 * u * s), 255, -1, cv2.LINE_AA)

    torso_cov = supersampled(th, tw, torso_draw)
    dull = (
        (np.array((45, 80, 50)), np.array((86, 128, 88)))
        if screen == "green"
        else (np.array((45, 55, 90)), np.array((80, 98, 142)))
    )
    k = float(np.clip(d.screenish_clothing, 0.0, 1.0))
    shirt_rgb = tuple(dull[0] + k * (dull[1] - dull[0])) if k > 0 else (150, 52, 48)
    torso_col = _textured(rng, th, tw, shirt_rgb, 0.3)
    yy = np.arange(th, dtype=np.float32)[:, None]
    torso_col *= (1.0 + 0.12 * np.sin(yy / (0.012 * u) * math.pi))[..., None]  # stripes
    lx, ly = int(0.13 * u), int(0.12 * u)
    torso_col[ly : ly + int(0.05 * u), lx : lx + int(0.08 * u)] = srgb_to_linear((235, 225, 70))  # yellow logo
    torso_col[ly + int(0.015 * u) : ly + int(0.035 * u), lx + int(0.01 * u) : lx + int(0.07 * u)] = srgb_to_linear(
        (245, 245, 240)
    )
    layers.append(
        _layer(torso_cov, torso_col, (0.17 * u, 0.05 * u), lambda t: Pose(walk_x(t), shoulder_y + bob(t), 0.0), **mk)
    )

    # translucent scarf hanging from the left shoulder: an opaque fold, then thin fabric
    if d.translucency > 0:
        vw, vh = int(0.20 * u), int(0.40 * u)

        def veil_draw(c: np.ndarray, s: int) -> None:
            xs = np.linspace(0.02, 0.18, 9) * u
            bottom = [(x, (0.34 + 0.04 * math.sin(7 * x / u)) * u) for x in xs]
            pts = np.array([[0.03 * u, 0.01 * u], [0.17 * u, 0.01 * u]] + bottom[::-1]) * s
            cv2.fillPoly(c, [pts.astype(np.int32)], 255, cv2.LINE_AA)

        veil_shape = supersampled(vh, vw, veil_draw)
        ys = np.arange(vh, dtype=np.float32)[:, None] / vh
        fold = np.clip((0.12 - ys) / 0.04, 0.0, 1.0)  # opaque fold along the top
        sheer = d.translucency * (1.0 + 0.25 * fbm(rng, vh, vw, base=3, octaves=3))
        veil_cov = veil_shape * np.clip(fold + (1 - fold) * sheer, 0.0, 1.0)
        veil_col = _textured(rng, vh, vw, (214, 212, 218), 0.12)
        veil = _layer(
            veil_cov,
            veil_col,
            (0.10 * u, 0.01 * u),
            lambda t: Pose(walk_x(t) - 0.10 * u, shoulder_y + bob(t), 6.0 * math.sin(2 * math.pi * m * t / 30.0)),
            **mk,
        )
        layers.append(veil)

    # the swinging arm (sleeve + hand): fast, so strongly motion blurred
    aw, ah = int(0.10 * u), int(0.36 * u)

    def arm_draw(c: np.ndarray, s: int) -> None:
        cv2.line(
            c,
            (int(0.05 * u * s), int(0.04 * u * s)),
            (int(0.05 * u * s), int(0.31 * u * s)),
            255,
            int(0.06 * u * s),
            cv2.LINE_AA,
        )
        cv2.circle(c, (int(0.05 * u * s), int(0.32 * u * s)), int(0.035 * u * s), 255, -1, cv2.LINE_AA)

    arm_cov = supersampled(ah, aw, arm_draw)
    arm_col = _textured(rng, ah, aw, shirt_rgb, 0.3)
    arm_col[int(0.24 * u) :] = _textured(rng, ah - int(0.24 * u), aw, (200, 140, 112), 0.15)  # hand: skin
    layers.append(
        _layer(
            arm_cov,
            arm_col,
            (0.05 * u, 0.04 * u),
            lambda t: Pose(
                walk_x(t) + 0.13 * u,
                shoulder_y + 0.01 * u + bob(t),
                25.0 + 35.0 * math.sin(2 * math.pi * m * t / 20.0 + phase),
            ),
            **mk,
        )
    )

    # head: neck, face, hair cap and fine strands
    hw, hh = int(0.40 * u), int(0.36 * u)
    hc = (hw / 2, 0.16 * u)

    def head_draw(c: np.ndarray, s: int) -> None:
        cv2.ellipse(
            c,
            (int(hc[0] * s), int(hc[1] * s)),
            (int(0.055 * u * s), int(0.07 * u * s)),
            0,
            0,
            360,
            255,
            -1,
            cv2.LINE_AA,
        )
        cv2.rectangle(
            c,
            (int((hc[0] - 0.025 * u) * s), int((hc[1] + 0.04 * u) * s)),
            (int((hc[0] + 0.025 * u) * s), int((hc[1] + 0.12 * u) * s)),
            255,
            -1,
            cv2.LINE_AA,
        )

    face_cov = supersampled(hh, hw, head_draw)

    def cap_draw(c: np.ndarray, s: int) -> None:
        cv2.ellipse(
            c,
            (int(hc[0] * s), int((hc[1] - 0.01 * u) * s)),
            (int(0.062 * u * s), int(0.072 * u * s)),
            0,
            180,
            360,
            255,
            -1,
            cv2.LINE_AA,
        )

    cap_cov = supersampled(hh, hw, cap_draw)
    angles = np.linspace(math.pi * 1.05, math.pi * 1.95, 80)
    roots = np.stack([hc[0] + 0.058 * u * np.cos(angles), hc[1] - 0.01 * u + 0.068 * u * np.sin(angles)], axis=1)
    strands = (
        hair_strands(
            rng,
            hh,
            hw,
            roots,
            count=int(round(220 * d.hair)),
            length=0.10 * u,
            direction=np.array([0.0, -1.0]),
            curl=0.3,
        )
        if d.hair > 0
        else np.zeros((hh, hw), np.float32)
    )
    hair_cov = np.clip(cap_cov + strands, 0.0, 1.0)
    blonde = rng.random() < 0.5
    hair_col = _textured(rng, hh, hw, (196, 160, 96) if blonde else (52, 36, 26), 0.25, base=16)
    skin = _textured(rng, hh, hw, (205, 150, 120), 0.12)
    # hair over face, each with its own coverage (premultiplied "over")
    cov = hair_cov + (1 - hair_cov) * face_cov
    premult = hair_col * hair_cov[..., None] + (skin * ((1 - hair_cov) * face_cov)[..., None])
    colour = premult / np.maximum(cov, 1e-6)[..., None]
    layers.append(
        _layer(
            cov,
            colour,
            (hc[0], hc[1] + 0.12 * u),
            lambda t: Pose(walk_x(t), shoulder_y + 0.01 * u + bob(t), 3.0 * math.sin(2 * math.pi * m * t / 40.0)),
            **mk,
        )
    )

    # a fast ball crossing the frame
    bd = int(0.07 * u)
    ball_cov = supersampled(
        bd, bd, lambda c, s: cv2.circle(c, (bd * s // 2, bd * s // 2), int(0.45 * bd * s), 255, -1, cv2.LINE_AA)
    )
    ball_col = _textured(rng, bd, bd, (240, 150, 40), 0.2, base=2)
    ball_phase = rng.uniform(0, 1)

    def ball_pose(t: float) -> Pose:
        f = (t * m / 40.0 + ball_phase) % 1.0
        return Pose(-0.1 * width + 1.2 * width * f, 0.18 * u + 0.5 * u * (2 * f - 1) ** 2, 0.0)

    if m > 0:
        layers.append(_layer(ball_cov, ball_col, (bd / 2, bd / 2), ball_pose, **mk))

    flicker = (1.0 + 0.004 * d.unevenness * rng.standard_normal(max(frames, 1))).astype(np.float32)
    return Scene(width, height, plate, screen_lin, layers, flicker)
