"""Every output format, written by the real pipeline and decoded back: frame count, rate,
timestamps, aspect ratio, alpha per frame (alignment), audio, atomicity."""

from __future__ import annotations

import glob
import os
from fractions import Fraction

import av
import numpy as np
import pytest
from fixtures.index_backend import level
from media_factory import make_clip

from mattebox import api
from mattebox.errors import MatteboxError
from mattebox.jobs import JobStatus
from mattebox.store import JobStore

RATE = Fraction(30000, 1001)


@pytest.fixture
def source(tmp_path):
    return make_clip(str(tmp_path / "src clip é.mp4"), frames=20, rate=RATE, width=160, height=96, audio=True, sar=Fraction(1))


def _decode(path: str, codec: str | None = None):
    """Decoded frames, the video stream's properties (read while the file is open), and stream types."""
    from types import SimpleNamespace

    with av.open(path) as c:
        s = c.streams.video[0]
        if codec:
            ctx = av.CodecContext.create(codec, "r")
            frames = [f for p in c.demux(s) for f in ctx.decode(p)]
        else:
            frames = list(c.decode(s))
        props = SimpleNamespace(average_rate=s.average_rate, time_base=s.time_base)
        return frames, props, [x.type for x in c.streams]


def _plane(frame, i: int) -> tuple[np.ndarray, int]:
    name = frame.format.name
    depth = 10 if "p10" in name else 12 if "p12" in name else 8
    dtype = np.uint8 if depth == 8 else np.uint16
    plane = frame.planes[i]
    arr = np.frombuffer(plane, dtype).reshape(-1, plane.line_size // np.dtype(dtype).itemsize)
    return arr[: plane.height, : plane.width].astype(float), depth


def _alpha_plane(frame) -> np.ndarray:
    """The matte carried by ``frame``: its alpha plane, its gray plane, or its (video-range) luma."""
    name = frame.format.name
    if name.startswith("yuva"):
        a, depth = _plane(frame, 3)
        return a / ((1 << depth) - 1)
    if name == "gray":
        return frame.to_ndarray() / 255.0
    y, depth = _plane(frame, 0)
    scale = 1 << (depth - 8)
    return (y - 16 * scale) / (219.0 * scale)


MATTE_FORMATS = [("m.mkv", None, 1.5 / 255), ("m.mov", None, 2 / 876), ("m.mp4", None, 2.5 / 219)]
KEYED_FORMATS = [("k.mov", None, 1 / 1023), ("k.webm", "libvpx-vp9", 3 / 255)]


@pytest.mark.parametrize("name,codec,tol", MATTE_FORMATS + KEYED_FORMATS)
def test_video_outputs_align_frame_for_frame(tmp_path, source, index_registry, name, codec, tol):
    kind = "matte" if name.startswith("m") else "keyed"
    out = str(tmp_path / name)
    job = api.run("greenscreen", source, out, kind=kind, registry=index_registry)
    assert job.status is JobStatus.PROCESS_SUCCESS and job.outputs[0]["frames"] == 20
    frames, stream, _ = _decode(out, codec)
    assert len(frames) == 20
    assert stream.average_rate == RATE
    assert (frames[0].width, frames[0].height) == (160, 96)
    times = [float(f.pts * f.time_base) for f in frames]
    assert times == pytest.approx([i / float(RATE) for i in range(20)], abs=1.1e-3)
    for i, f in enumerate(frames):
        a = _alpha_plane(f)
        assert a[48, 100] == pytest.approx(level(i), abs=tol), f"frame {i}: alpha {a[48, 100]:.4f} != {level(i):.4f}"
        assert a[48, 5] == pytest.approx(0.0, abs=tol)


def test_png_sequences(tmp_path, source, index_registry):
    matte = str(tmp_path / "seq" / "matte_%04d.png")
    os.makedirs(os.path.dirname(matte))
    api.run("greenscreen", source, matte, kind="matte", frames=(5, 14), registry=index_registry)
    files = sorted(glob.glob(str(tmp_path / "seq" / "matte_*.png")))
    assert [os.path.basename(f) for f in files] == [f"matte_{i:04d}.png" for i in range(5, 15)]
    import cv2

    img = cv2.imread(files[0], cv2.IMREAD_UNCHANGED)
    assert img.dtype == np.uint16 and img.ndim == 2
    assert img[48, 100] / 65535 == pytest.approx(level(5), abs=1e-4)
    assert not [p for p in os.listdir(tmp_path / "seq") if p.startswith(".")], "temporary files left behind"

    keyed = str(tmp_path / "keyed_####.png")
    api.run("greenscreen", source, keyed, kind="keyed", start_number=1, registry=index_registry)
    first = cv2.imread(str(tmp_path / "keyed_0001.png"), cv2.IMREAD_UNCHANGED)
    assert first.shape == (96, 160, 4)
    assert first[48, 100, 3] == round(level(0) * 255)
    assert os.path.exists(tmp_path / "keyed_0020.png") and not os.path.exists(tmp_path / "keyed_0021.png")


def test_premultiplied_keyed(tmp_path, source, index_registry):
    straight, premult = str(tmp_path / "s_%02d.png"), str(tmp_path / "p_%02d.png")
    api.run("greenscreen", source, straight, kind="keyed", registry=index_registry)
    api.run("greenscreen", source, premult, kind="keyed", premultiply=True, registry=index_registry)
    import cv2

    s = cv2.imread(str(tmp_path / "s_10.png"), cv2.IMREAD_UNCHANGED).astype(float)
    p = cv2.imread(str(tmp_path / "p_10.png"), cv2.IMREAD_UNCHANGED).astype(float)
    a = s[..., 3:] / 255.0
    assert np.array_equal(s[..., 3], p[..., 3])
    assert np.abs(p[..., :3] - s[..., :3] * a).max() <= 1.0
    assert p[48, 100, :3].sum() < s[48, 100, :3].sum() * 0.5


@pytest.mark.parametrize("name,background", [("c.mp4", "#ff0000"), ("c.mov", "blur"), ("c.webm", "0,0,255")])
def test_composite_carries_audio(tmp_path, source, index_registry, name, background):
    out = str(tmp_path / name)
    api.run("greenscreen", source, out, kind="composite", background=background, registry=index_registry)
    frames, _, types = _decode(out)
    assert len(frames) == 20
    assert types.count("audio") == 1
    with av.open(out) as c:
        audio = c.streams.audio[0]
        duration = sum(f.samples for f in c.decode(audio)) / audio.sample_rate
    assert duration == pytest.approx(20 / float(RATE), abs=0.06)
    rgb = frames[3].to_ndarray(format="rgb24")
    if background == "#ff0000":
        # left band has alpha 0: pure background there
        assert rgb[48, 5, 0] > 230 and rgb[48, 5, 1] < 25


def test_composite_over_image_and_video(tmp_path, source, index_registry):
    import cv2

    image = str(tmp_path / "bg.png")
    cv2.imwrite(image, np.full((50, 80, 3), (0, 255, 0), np.uint8))  # BGR green
    out = str(tmp_path / "ci.mp4")
    api.run("greenscreen", source, out, kind="composite", background=image, registry=index_registry)
    rgb = _decode(out)[0][0].to_ndarray(format="rgb24")
    assert rgb[48, 5, 1] > 230 and rgb[48, 5, 0] < 25
    bg_video = make_clip(str(tmp_path / "bgv.mp4"), frames=7, width=64, height=64)  # shorter: loops
    out2 = str(tmp_path / "cv.mp4")
    api.run("greenscreen", source, out2, kind="composite", background=bg_video, registry=index_registry)
    assert len(_decode(out2)[0]) == 20


def test_frame_range_output_starts_at_zero_and_keeps_rate(tmp_path, source, index_registry):
    out = str(tmp_path / "r.mkv")
    api.run("greenscreen", source, out, frames=(7, 12), registry=index_registry)
    frames, stream, _ = _decode(out)
    assert len(frames) == 6
    assert frames[0].pts == 0
    assert _alpha_plane(frames[0])[48, 100] == pytest.approx(level(7), abs=1.5 / 255)


def test_failed_job_leaves_no_output(tmp_path, source, index_registry):
    out = str(tmp_path / "fail.mov")
    with pytest.raises(MatteboxError) as err:
        api.run("greenscreen", source, out, kind="keyed", options={"fail-at": "12"}, registry=index_registry)
    assert err.value.code == "InternalServerError.Algo"
    assert os.listdir(tmp_path) == [os.path.basename(source)], "a failed job left files behind"
    job = JobStore().list(limit=1)[0]
    assert job.status is JobStatus.PROCESS_FAILED and job.error["code"] == "InternalServerError.Algo"


@pytest.mark.parametrize("batch,hold", [(1, 0), (4, 0), (3, 5), (1, 30)])
def test_batching_and_lookahead_keep_order(tmp_path, source, index_registry, batch, hold):
    out = str(tmp_path / "o.mkv")
    api.run("greenscreen", source, out, options={"batch": batch, "hold": hold}, registry=index_registry)
    frames = _decode(out)[0]
    assert [round(_alpha_plane(f)[48, 100] * 41) - 1 for f in frames] == list(range(20))


def test_existing_output_is_not_overwritten_without_flag(tmp_path, source, index_registry):
    out = tmp_path / "exists.mkv"
    out.write_bytes(b"precious")
    with pytest.raises(MatteboxError) as err:
        api.run("greenscreen", source, str(out), registry=index_registry)
    assert err.value.code == "InvalidOutput.Path"
    assert out.read_bytes() == b"precious"
    api.run("greenscreen", source, str(out), registry=index_registry, overwrite=True)
    assert out.read_bytes()[:4] == b"\x1a\x45\xdf\xa3"  # Matroska magic


def test_real_clip_keeps_count_rate_and_audio_in_composite(tmp_path, shared_clip, index_registry):
    src = shared_clip("greenscreen_walker.mp4")
    out = str(tmp_path / "walker.mp4")
    api.run("greenscreen", src, out, kind="composite", background="blur", frames=(0, 59), registry=index_registry)
    frames, stream, types = _decode(out)
    assert len(frames) == 60 and stream.average_rate == 30 and "audio" in types


@pytest.mark.parametrize("kind,name", [("keyed", "k.mov"), ("matte", "m.mp4"), ("matte", "m.mov")])
def test_anamorphic_source_keeps_its_aspect_ratio(tmp_path, index_registry, kind, name):
    src = make_clip(str(tmp_path / "ana.mov"), frames=4, codec="prores_ks", pix_fmt="yuv422p10le", sar=Fraction(4, 3))
    out = str(tmp_path / name)
    api.run("greenscreen", src, out, kind=kind, registry=index_registry)
    with av.open(out) as c:
        s = c.streams.video[0]
        assert (s.sample_aspect_ratio or s.codec_context.sample_aspect_ratio) == Fraction(4, 3)


def test_audio_follows_the_frame_range(tmp_path, index_registry):
    """A composite of frames 30-59 carries the source's audio of exactly those frames' time."""
    import av as _av

    src = str(tmp_path / "beeps.mp4")
    # video 25 fps; audio: silence except a 440 Hz tone during frames 30-39 (1.2 s - 1.6 s)
    make_clip(src, frames=90, rate=25, width=64, height=64)
    with _av.open(src) as c:
        video_packets = [(p, p.stream) for p in c.demux(c.streams.video[0]) if p.size]
    tone_src = str(tmp_path / "tone.mp4")
    with _av.open(tone_src, "w") as out:
        v = out.add_stream_from_template(_av.open(src).streams.video[0])
        a = out.add_stream("aac", rate=48000)
        a.layout = "mono"
        for p, _ in video_packets:
            p.stream = v
            out.mux(p)
        t = np.arange(int(3.6 * 48000)) / 48000
        sig = np.where((t >= 1.2) & (t < 1.6), 0.5 * np.sin(2 * np.pi * 440 * t), 0).astype(np.float32)
        for start in range(0, len(sig), 1024):
            f = _av.AudioFrame.from_ndarray(sig[None, start : start + 1024], format="fltp", layout="mono")
            f.sample_rate, f.pts = 48000, start
            for pk in a.encode(f):
                out.mux(pk)
        for pk in a.encode(None):
            out.mux(pk)
    out = str(tmp_path / "range.mp4")
    api.run("greenscreen", tone_src, out, kind="composite", background="black", frames=(30, 59), registry=index_registry)
    with _av.open(out) as c:
        samples = np.concatenate([f.to_ndarray()[0] for f in c.decode(c.streams.audio[0])])
    loud = np.abs(samples) > 0.1
    first, last = np.argmax(loud) / 48000, (len(loud) - np.argmax(loud[::-1])) / 48000
    assert first == pytest.approx(0.0, abs=0.05) and last == pytest.approx(0.4, abs=0.06)
    assert len(samples) / 48000 == pytest.approx(1.2, abs=0.06)
