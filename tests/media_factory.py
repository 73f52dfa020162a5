"""Small generated clips for tests: exact frame rates, VFR timing, odd sizes, audio, broken files.

Each frame shows its index as a pattern of bright blocks, so a decoded frame can be identified.
"""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np


def frame_pattern(index: int, width: int, height: int) -> np.ndarray:
    """RGB uint8: a gradient plus 8 blocks spelling ``index`` in binary along the top."""
    yy, xx = np.mgrid[0:height, 0:width]
    img = np.stack([(xx * 255 // max(1, width - 1)), (yy * 255 // max(1, height - 1)), np.full_like(xx, 90)], axis=-1).astype(np.uint8)
    bw = max(2, width // 8)
    bh = max(2, height // 6)
    for bit in range(8):
        on = (index >> bit) & 1
        img[:bh, bit * bw : (bit + 1) * bw] = 255 if on else 0
    return img


def read_index(rgb: np.ndarray) -> int:
    """Inverse of :func:`frame_pattern` for a decoded frame."""
    h, w = rgb.shape[:2]
    bw = max(2, w // 8)
    bh = max(2, h // 6)
    value = 0
    for bit in range(8):
        block = rgb[bh // 4 : 3 * bh // 4, bit * bw + bw // 4 : (bit + 1) * bw - bw // 4]
        if block.mean() > 128:
            value |= 1 << bit
    return value


def make_clip(path: str, *, frames: int = 24, rate: Fraction | int = 25, width: int = 160, height: int = 96,
              codec: str = "libx264", pix_fmt: str = "yuv420p", container: str | None = None,
              vfr_durations: list[int] | None = None, audio: bool = False, sar: Fraction | None = None,
              time_base: Fraction | None = None, display: tuple[float, bool, bool] | None = None,
              matrix: tuple[int, ...] | None = None, timecode: str | None = None, faststart: bool = False) -> str:
    """Write a test clip; ``vfr_durations`` gives per-frame durations in ``time_base`` ticks (VFR);
    ``display`` = (counter-clockwise degrees, hflip, vflip) or ``matrix`` (nine values) writes a display
    matrix (a phone's rotation); ``timecode`` a start timecode (a QuickTime timecode track, as cameras
    write); ``faststart`` puts an MP4/MOV header first."""
    rate = Fraction(rate)
    with av.open(path, "w", format=container, options={"movflags": "faststart"} if faststart else {}) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        tb = time_base or (Fraction(1, 90000) if vfr_durations else 1 / rate)
        stream.time_base = tb
        stream.codec_context.time_base = tb
        if sar is not None:
            stream.codec_context.sample_aspect_ratio = sar
        if display is not None:
            stream.set_display_rotation(display[0], hflip=display[1], vflip=display[2])
        if matrix is not None:
            stream.set_display_matrix(list(matrix))
        if timecode:
            stream.metadata["timecode"] = timecode
        if codec == "libx264":
            stream.options = {"preset": "ultrafast", "crf": "10", "bf": "2"}
        astream = None
        if audio:
            astream = out.add_stream("aac", rate=48000)
            astream.layout = "stereo"
        pts = 0
        for i in range(frames):
            f = av.VideoFrame.from_ndarray(frame_pattern(i, width, height), format="rgb24")
            f.pts = pts
            f.time_base = tb
            pts += vfr_durations[i] if vfr_durations else 1
            for p in stream.encode(f):
                out.mux(p)
        for p in stream.encode(None):
            out.mux(p)
        if astream is not None:
            seconds = float(pts * tb)
            n = int(seconds * 48000)
            t = np.arange(n) / 48000.0
            tone = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
            for start in range(0, n, 1024):
                chunk = tone[start : start + 1024]
                af = av.AudioFrame.from_ndarray(np.vstack([chunk, chunk])[None].reshape(1, -1) if False else np.vstack([chunk, chunk]), format="fltp", layout="stereo")
                af.sample_rate = 48000
                af.pts = start
                for p in astream.encode(af):
                    out.mux(p)
            for p in astream.encode(None):
                out.mux(p)
    return path


def make_phone_clip(src: str, path: str, first: int, count: int) -> str:
    """A phone held upright, from ``greenscreen_walker.mp4``: a 406×720 portrait crop around the walker,
    coded sideways (720×406) with the display matrix that turns it back, as phones write portrait clips."""
    with av.open(src) as inp, av.open(path, "w") as out:
        v = inp.streams.video[0]
        s = out.add_stream("libx264", rate=v.average_rate)
        s.width, s.height, s.pix_fmt = 720, 406, "yuv420p"
        s.options = {"crf": "16", "preset": "veryfast"}
        s.set_display_rotation(-90)  # shown turned 90° clockwise
        for i, f in enumerate(inp.decode(v)):
            if i < first:
                continue
            if i >= first + count:
                break
            portrait = f.to_ndarray(format="rgb24")[:, 437:843]  # 406×720, the walker inside
            coded = av.VideoFrame.from_ndarray(np.ascontiguousarray(np.rot90(portrait, 1)), format="rgb24")
            for p in s.encode(coded.reformat(format="yuv420p")):
                out.mux(p)
        for p in s.encode(None):
            out.mux(p)
    return path
