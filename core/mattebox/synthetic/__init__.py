"""Synthetic green- and blue-screen clips with exact ground-truth alpha, for tests, benchmarks and the demo.

A seeded scene (see :mod:`.scene`) is rendered in linear light with motion blur, sensor noise and
spill (:mod:`.render`), sRGB-encoded and written as H.264 4:2:0 (BT.709 matrix, video range), the
way a camera file reaches an editor. The exact alpha of every frame is written beside the clip as a
lossless 16-bit FFV1 video (``<name>.alpha.mkv``), so memory stays bounded at any length; the
straight, spill-free foreground colour can be written too (``<name>.foreground.mkv``).

    clip = make_greenscreen_clip("walk.mp4", frames=48, difficulty="hard", seed=3)
    truth = clip.load_alpha()  # float32 (frames, H, W)
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Iterator, Sequence

import av
import numpy as np

from ..media.color import ColorInfo
from ..media.planes import yuv_frame
from .render import LINEAR_TO_SRGB_4095, FrameRenderer
from .scene import PRESETS, SCREEN_COLORS, Difficulty, build_scene

__all__ = ["Difficulty", "PRESETS", "SCREEN_COLORS", "SyntheticClip", "make_greenscreen_clip"]

log = logging.getLogger(__name__)

_BT709 = ColorInfo("bt709", full_range=False)
_TRC_SRGB = 13  # AVCOL_TRC_IEC61966_2_1: the frames are sRGB-encoded


@dataclass(frozen=True)
class SyntheticClip:
    """A generated clip and where its ground truth lies.

    :param path: the H.264 clip.
    :param alpha_path: exact alpha, FFV1 ``gray16le`` (0..65535), one frame per clip frame.
    :param foreground_path: straight spill-free foreground colour (FFV1 ``bgr0``, sRGB), if written.
    :param screen_rgb: the screen's nominal colour (sRGB codes) before the uneven lighting.
    """

    path: str
    alpha_path: str
    width: int
    height: int
    frames: int
    fps: Fraction
    screen: str
    seed: int
    difficulty: Difficulty
    screen_rgb: tuple[int, int, int]
    foreground_path: str | None = None

    def iter_alpha(self) -> Iterator[np.ndarray]:
        """The ground-truth alpha of each frame in order, float32 (H, W) in 0..1."""
        with av.open(self.alpha_path) as container:
            for frame in container.decode(video=0):
                yield frame.to_ndarray(format="gray16le").astype(np.float32) * (1.0 / 65535.0)

    def load_alpha(self, indices: Sequence[int] | None = None) -> np.ndarray:
        """Ground-truth alpha of ``indices`` (default: every frame) stacked as float32 (N, H, W)."""
        wanted = None if indices is None else set(int(i) for i in indices)
        out = [a for i, a in enumerate(self.iter_alpha()) if wanted is None or i in wanted]
        return np.stack(out) if out else np.zeros((0, self.height, self.width), np.float32)

    def iter_foreground(self) -> Iterator[np.ndarray]:
        """The straight foreground colour (sRGB uint8, (H, W, 3)) of each frame; needs ``foreground=True``."""
        if self.foreground_path is None:
            raise ValueError("this clip was made without foreground=True")
        with av.open(self.foreground_path) as container:
            for frame in container.decode(video=0):
                yield frame.to_ndarray(format="rgb24")


def _open_lossless(path: str, rate: Fraction, width: int, height: int, pix_fmt: str):
    container = av.open(path, "w", format="matroska")
    stream = container.add_stream("ffv1", rate=rate)
    stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
    return container, stream


def _mux(container, stream, frame) -> None:
    for packet in stream.encode(frame):
        container.mux(packet)


def _flush(container, stream) -> None:
    for packet in stream.encode(None):
        container.mux(packet)
    container.close()


def make_greenscreen_clip(
    path: str | os.PathLike,
    *,
    width: int = 1280,
    height: int = 720,
    frames: int = 48,
    fps: Fraction | int | float = Fraction(30000, 1001),
    seed: int = 0,
    screen: str = "green",
    difficulty: Difficulty | str = "medium",
    crf: int = 18,
    preset: str = "veryfast",
    codec: str = "libx264",
    durations: Sequence[int] | None = None,
    foreground: bool = False,
    **knobs: float,
) -> SyntheticClip:
    """Render a synthetic screen clip and its exact alpha; deterministic for a given seed.

    :param path: where to write the clip (an ``.mp4``; ``.mkv``/``.mov`` work too).
    :param fps: frame rate (``Fraction(24000, 1001)``, ``25``...).
    :param screen: ``green`` or ``blue``.
    :param difficulty: a :class:`Difficulty` or a preset name (``easy``, ``medium``, ``hard``).
    :param crf: H.264 quality (lower is better; 18 is visually lossless, 23 the x264 default).
    :param codec: ``libx264`` (needs even sizes) or ``ffv1`` (any size, lossless).
    :param durations: per-frame durations in 1/90000 s for a variable-frame-rate clip.
    :param foreground: also write the spill-free foreground colour.
    :param knobs: :class:`Difficulty` fields overriding the preset (``noise=0.02``).
    :returns: the clip and where its ground truth lies.
    """
    if screen not in SCREEN_COLORS:
        raise ValueError(f"unknown screen {screen!r}; choose one of: {', '.join(SCREEN_COLORS)}")
    if isinstance(difficulty, str):
        if difficulty not in PRESETS:
            raise ValueError(f"unknown difficulty {difficulty!r}; choose one of: {', '.join(PRESETS)}")
        difficulty = PRESETS[difficulty]
    difficulty = replace(difficulty, **knobs) if knobs else difficulty
    if width < 16 or height < 16:
        raise ValueError("width and height must be at least 16")
    if codec == "libx264" and (width % 2 or height % 2):
        raise ValueError(f"libx264 4:2:0 needs even sizes, not {width}x{height}; use codec='ffv1' for odd sizes")
    if durations is not None and len(durations) != frames:
        raise ValueError("durations needs one entry per frame")
    path = os.fspath(path)
    stem = os.path.splitext(path)[0]
    rate = Fraction(fps).limit_denominator(100000)

    scene = build_scene(np.random.default_rng(seed), width, height, frames, screen, difficulty)
    renderer = FrameRenderer(scene, difficulty.shutter, difficulty.noise, np.random.default_rng([seed, 1]))
    clean = None
    if foreground:  # same seed, no spill: identical shapes and textures, spill-free colour
        clean_scene = build_scene(
            np.random.default_rng(seed), width, height, frames, screen, replace(difficulty, spill=0.0)
        )
        clean = FrameRenderer(clean_scene, difficulty.shutter, 0.0, np.random.default_rng(0))

    alpha_path = stem + ".alpha.mkv"
    fg_path = stem + ".foreground.mkv" if foreground else None
    time_base = Fraction(1, 90000) if durations is not None else 1 / rate
    outputs = []  # every container opened, closed on every path
    try:
        out = av.open(path, "w")
        outputs.append(out)
        stream = out.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = time_base
        cc = stream.codec_context
        cc.time_base = time_base
        cc.colorspace, cc.color_range = _BT709.av_colorspace, _BT709.av_color_range
        cc.color_primaries, cc.color_trc = 1, _TRC_SRGB
        if codec == "libx264":
            stream.options = {"crf": str(int(crf)), "preset": preset}
        a_out, a_stream = _open_lossless(alpha_path, rate, width, height, "gray16le")
        outputs.append(a_out)
        f_out = f_stream = None
        if fg_path:
            f_out, f_stream = _open_lossless(fg_path, rate, width, height, "bgr0")
            outputs.append(f_out)
        pts = 0
        for i in range(frames):
            rgb, alpha, _ = renderer.render(i)
            frame = yuv_frame(rgb, "yuv420p", _BT709)
            frame.pts, frame.time_base = pts, time_base
            pts += int(durations[i]) if durations is not None else 1
            _mux(out, stream, frame)
            a16 = (alpha * 65535.0 + 0.5).astype(np.uint16)
            _mux(a_out, a_stream, av.VideoFrame.from_ndarray(a16, format="gray16le"))
            if clean is not None and f_out is not None:
                premult, a = clean.coverage(float(i))
                straight = np.clip(premult / np.maximum(a, 1e-6)[..., None], 0.0, 1.0)
                codes = (straight * 4095.0 + 0.5).astype(np.uint16)
                _mux(f_out, f_stream, av.VideoFrame.from_ndarray(LINEAR_TO_SRGB_4095[codes], format="rgb24"))
        _flush(out, stream)
        _flush(a_out, a_stream)
        if f_out is not None:
            _flush(f_out, f_stream)
    finally:
        for container in outputs:
            container.close()  # a no-op for those already flushed and closed
    log.info("synthetic %s clip %s: %dx%d, %d frames, seed %d", screen, path, width, height, frames, seed)
    r, g, b = SCREEN_COLORS[screen]
    return SyntheticClip(path, alpha_path, width, height, frames, rate, screen, seed, difficulty, (r, g, b), fg_path)
