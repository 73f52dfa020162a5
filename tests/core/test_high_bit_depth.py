"""High-bit-depth and 4:2:2 sources: keyed outputs keep the source's own precision.

A 10-bit ProRes 422 HQ camera file is the common green-screen delivery. Keying works on 8-bit 4:2:0
planes, but the picture of a keyed ProRes 4444 must come from the source's own 10-bit 4:2:2 planes
(despilled there), not from 8-bit codes scaled back up (banding, a quarter of the codes). PNGs of
such sources are 16-bit, and 10-bit outputs made from R'G'B' land on the nominal levels.
"""

from __future__ import annotations

import av
import cv2
import numpy as np
import pytest
from mattebox import api
from mattebox.media.color import ColorInfo, rgb_to_ycbcr_matrix, ycbcr_to_rgb_matrix
from mattebox.media.planes import yuv_frame_from_planes
from mattebox.media.probe import probe
from mattebox.media.reader import VideoReader

from media_factory import make_clip

W, H = 320, 180
BOX = (slice(40, 140), slice(70, 230))  # the foreground's opaque interior (rows, columns), away from its edge
TINT = (slice(100, 140), slice(70, 230))  # its lower part is greenish: spill to remove


def _scene(i: int) -> np.ndarray:
    """Linear-ish RGB 0..1: a green screen and a reddish card with smooth gradients, its lower band greenish."""
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float64)
    img = np.empty((H, W, 3))
    img[...] = (0.12, 0.62, 0.2)
    x0 = 60 + 2 * i
    card = (xx >= x0) & (xx < x0 + 180) & (yy >= 30) & (yy < 150)
    g = (xx - x0) / 180.0
    img[card, 0] = 0.55 + 0.3 * g[card]
    img[card, 1] = 0.35 + 0.1 * g[card]
    img[card, 2] = 0.3 + 0.05 * yy[card] / H
    tint = card & (yy >= 100)
    img[tint, 1] = 0.5 * (img[tint, 0] + img[tint, 2]) + 0.08  # green above the others' average: spill
    return img


def _codes(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BT.709 video-range 10-bit Y'CbCr codes of R'G'B' 0..1 (float), chroma averaged in pairs (4:2:2)."""
    kr, kb = 0.2126, 0.0722
    e_y = kr * rgb[..., 0] + (1 - kr - kb) * rgb[..., 1] + kb * rgb[..., 2]
    pb, pr = (rgb[..., 2] - e_y) / (2 * (1 - kb)), (rgb[..., 0] - e_y) / (2 * (1 - kr))
    pb, pr = (pb[:, 0::2] + pb[:, 1::2]) / 2, (pr[:, 0::2] + pr[:, 1::2]) / 2
    return tuple(np.rint(v).astype(np.uint16) for v in (64 + 876 * e_y, 512 + 896 * pb, 512 + 896 * pr))


@pytest.fixture(scope="module")
def prores10(tmp_path_factory) -> str:
    """A 10-bit 4:2:2 ProRes 422 HQ clip (BT.709) whose codes use all 10 bits, written code by code."""
    path = str(tmp_path_factory.mktemp("hbd") / "card 10bit.mov")
    with av.open(path, "w") as out:
        s = out.add_stream("prores_ks", rate=25)
        s.width, s.height, s.pix_fmt = W, H, "yuv422p10le"
        s.codec_context.colorspace, s.codec_context.color_range = 1, 1  # BT.709, video range
        s.options = {"profile": "3"}
        for i in range(4):
            f = av.VideoFrame(W, H, "yuv422p10le")
            for plane, codes in zip(f.planes, _codes(_scene(i))):
                view = np.frombuffer(plane, "<u2").reshape(-1, plane.line_size // 2)
                view[: codes.shape[0], : codes.shape[1]] = codes
            f.pts = i
            f.colorspace, f.color_range = 1, 1
            for p in s.encode(f):
                out.mux(p)
        for p in s.encode(None):
            out.mux(p)
    return path


def _planes(path: str, fmt: str) -> list[list[np.ndarray]]:
    """Every frame's planes as 16-bit arrays in ``fmt`` (a 10-bit little-endian layout)."""
    with av.open(path) as c:
        frames = []
        for f in c.decode(video=0):
            g = f.reformat(format=fmt)
            frames.append([np.frombuffer(p, "<u2").reshape(-1, p.line_size // 2)[: p.height, : p.width].astype(int)
                           for p in g.planes])
        return frames


def test_source_planes_keep_depth_and_subsampling(prores10):
    frame = next(iter(VideoReader(probe(prores10))))
    planes = frame.source_planes()
    assert planes.depth == 10 and planes.y.dtype == np.uint16
    assert planes.y.shape == (H, W) and planes.cb.shape == planes.cr.shape == (H, W // 2)
    assert planes.y.max() <= 1023 and (planes.y[BOX] % 4 != 0).mean() > 0.5  # the card's gradients: real 10-bit codes
    y8 = frame.ycbcr420()[0]  # the keying planes: the same picture at 8 bits
    assert np.abs((planes.y.astype(int) + 2) // 4 - y8).max() <= 1


def test_source_planes_of_8bit_420_are_the_keying_planes(tmp_path):
    clip = make_clip(str(tmp_path / "c.mp4"), frames=2)
    frame = next(iter(VideoReader(probe(clip))))
    planes = frame.source_planes()
    assert planes.depth == 8
    for a, b in zip(planes[:3], frame.ycbcr420()):
        assert a is b  # the same arrays: a padded frame's planes are not copied twice


def test_no_source_planes_for_rgb_sources(tmp_path):
    clip = make_clip(str(tmp_path / "rgb.mkv"), frames=2, codec="ffv1", pix_fmt="bgr0", container="matroska")
    assert next(iter(VideoReader(probe(clip)))).source_planes() is None


def _view(frame: av.VideoFrame, i: int) -> np.ndarray:
    p = frame.planes[i]
    dtype = np.uint8 if frame.format.name in ("yuv420p", "yuva420p") else np.dtype("<u2")
    return np.frombuffer(p, dtype).reshape(-1, p.line_size // np.dtype(dtype).itemsize)[: p.height, : p.width]


def test_planes_requantised_and_resampled_for_each_output():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4096, (8, 12)).astype(np.uint16)
    cb = np.repeat(rng.integers(0, 4096, (8, 1)), 6, axis=1).astype(np.uint16)  # constant along rows
    cr = rng.integers(0, 4096, (8, 6)).astype(np.uint16)
    a = np.ones((8, 12), np.float32)
    # 12-bit 4:2:2 → 10-bit 4:4:4: codes rounded, chroma widened (constant rows stay exact)
    f = yuv_frame_from_planes(y, cb, cr, "yuva444p10le", ColorInfo(), a, depth=12)
    assert np.array_equal(_view(f, 0), np.rint(y / 4.0))
    assert np.array_equal(_view(f, 1), np.rint(np.repeat(cb, 2, axis=1) / 4.0))
    assert np.abs(_view(f, 2)[:, ::2] - cr / 4.0).max() <= 256  # resampled, same scale
    # 10-bit 4:2:2 → 8-bit 4:2:0 (VP9 with alpha): rows of chroma averaged in pairs, then rounded
    y10, cr10 = y >> 2, cr >> 2
    f = yuv_frame_from_planes(y10, cr10, cr10, "yuva420p", ColorInfo(), a, depth=10)
    assert np.array_equal(_view(f, 0), np.round(y10 / 4.0))
    pairs = (cr10[0::2].astype(float) + cr10[1::2]) / 2.0
    assert np.abs(_view(f, 1) - pairs / 4.0).max() <= 0.5 + 1e-6
    # 8-bit → 10-bit is exact, also through chroma upsampling (4:2:0 → 4:4:4 of a flat plane)
    y8 = (y >> 4).astype(np.uint8)
    flat = np.full((4, 6), 100, np.uint8)
    f = yuv_frame_from_planes(y8, flat, flat + 20, "yuva444p10le", ColorInfo(), a, depth=8)
    assert np.array_equal(_view(f, 0), y8.astype(int) * 4)
    assert (_view(f, 1) == 400).all() and (_view(f, 2) == 480).all()
    f = yuv_frame_from_planes(y8, y8[:, ::2], y8[:, ::2], "yuv422p10le", ColorInfo(), depth=8)
    assert np.array_equal(_view(f, 0), y8.astype(int) * 4) and np.array_equal(_view(f, 1), y8[:, ::2].astype(int) * 4)


def _opaque(alpha: np.ndarray) -> np.ndarray:
    inner = np.zeros(alpha.shape, bool)
    inner[BOX] = True
    return inner & (alpha >= 1020)


@pytest.mark.parametrize("backend", ["keyer", "index"])
def test_keyed_prores_keeps_ten_bit_colour(tmp_path, prores10, index_registry, backend):
    """The keyer's despilled colour and another backend's source colour both come from the 10-bit planes."""
    out = str(tmp_path / "keyed é.mov")
    if backend == "keyer":  # (despill on the card's greenish band is the next test's)
        api.run("greenscreen", prores10, out, kind="keyed", options={"despill": "none"})
    else:
        api.run("greenscreen", prores10, out, kind="keyed", registry=index_registry)
    src, keyed = _planes(prores10, "yuv444p10le"), _planes(out, "yuva444p10le")
    assert len(src) == len(keyed) == 4
    for s, k in zip(src, keyed):
        where = _opaque(np.full(k[3].shape, 1023)) if backend == "index" else _opaque(k[3])
        assert where.sum() > 5000
        # only ProRes 4444's own (tiny) loss: 8-bit codes scaled by 4 were off by ~1.3 codes on average
        assert np.abs(s[0] - k[0])[where].mean() < 0.4
        assert (k[0][where] % 4 == 0).mean() < 0.4  # all four codes in use, not one in four
        for c in (1, 2):
            assert np.abs(s[c] - k[c])[where].mean() < 0.6


def test_despill_works_on_the_ten_bit_planes(tmp_path, prores10):
    """The greenish band loses its spill, the rest of the card keeps its 10-bit colour exactly as before."""
    out = str(tmp_path / "despilled.mov")
    api.run("greenscreen", prores10, out, kind="keyed", options={"despill": "average"})
    src = _planes(prores10, "yuv444p10le")
    keyed = _planes(out, "yuva444p10le")
    to_rgb = ycbcr_to_rgb_matrix(probe(prores10).video.color, 1023).astype(float)  # (3, 4) affine, codes → R'G'B'

    def rgb(planes: list[np.ndarray], where: np.ndarray) -> np.ndarray:
        ycc = np.stack([planes[0][where], planes[1][where], planes[2][where], np.ones(where.sum())], axis=-1)
        return (ycc @ to_rgb.T / 1023.0).T
    for s, k in zip(src, keyed):
        opaque = _opaque(k[3])
        tint = np.zeros(opaque.shape, bool)
        tint[TINT] = True
        tint &= opaque
        clean = opaque & ~tint
        clean[95:105] = False  # the band's edge (chroma is resampled across it)
        assert tint.sum() > 2000 and clean.sum() > 2000
        assert np.abs(s[0] - k[0])[clean].mean() < 0.4 and (k[0][clean] % 4 == 0).mean() < 0.4
        # R'G'B' of the band: green no longer above the others' average
        r, g, b = rgb(k, tint)
        r0, g0, b0 = rgb(s, tint)
        assert np.mean(g0 - (r0 + b0) / 2) > 0.04  # the source's band is spilled
        assert np.abs(g - (r + b) / 2).mean() < 0.01  # despilled to the average of the others
        assert (k[0][tint] % 4 != 0).mean() > 0.5


def test_keyed_png_of_a_ten_bit_source_is_sixteen_bit(tmp_path, prores10):
    """A PNG sequence of a 10-bit source is 16-bit RGBA: the source's R'G'B' with its precision."""
    out = str(tmp_path / "k_%04d.png")
    api.run("greenscreen", prores10, out, kind="keyed", options={"despill": "none"})
    first = cv2.imread(str(tmp_path / "k_0000.png"), cv2.IMREAD_UNCHANGED)
    assert first.dtype == np.uint16 and first.shape == (H, W, 4)
    assert probe(prores10).video.color == ColorInfo("bt709", full_range=False)
    truth = _scene(0) * 65535.0
    got = cv2.cvtColor(first, cv2.COLOR_BGRA2RGB).astype(float)
    opaque = _opaque(first[..., 3].astype(int) >> 6)
    assert opaque.sum() > 5000
    # within a 10-bit code of the scene (64 on the 16-bit scale: 8-bit steps are 257), not 8-bit steps
    assert np.abs(got - truth)[opaque].mean() < 64
    assert (got[opaque] % 257 != 0).mean() > 0.9


def test_premultiplied_prores_of_a_ten_bit_source(tmp_path, prores10):
    """Premultiplied colour is computed from 16-bit R'G'B', so the opaque card keeps its 10-bit codes."""
    out = str(tmp_path / "premultiplied.mov")
    api.run("greenscreen", prores10, out, kind="keyed", premultiply=True, options={"despill": "none"})
    src, keyed = _planes(prores10, "yuv444p10le"), _planes(out, "yuva444p10le")
    for s, k in zip(src, keyed):
        opaque = _opaque(k[3])
        assert opaque.sum() > 5000
        assert np.abs(s[0] - k[0])[opaque].mean() < 0.6 and (k[0][opaque] % 4 == 0).mean() < 0.4
        edge = (k[3] > 100) & (k[3] < 900)  # premultiplied: darker than the source where partly transparent
        assert edge.sum() > 50 and np.mean(k[0][edge] < s[0][edge]) > 0.9


@pytest.mark.parametrize("max_code", [255, 1023, 4095])
@pytest.mark.parametrize("full_range", [False, True])
def test_matrices_map_black_white_and_grey_at_every_depth(max_code, full_range):
    """Video range scales by powers of two (10-bit: 64..940, chroma on 512); R'G'B' runs to 2^n − 1."""
    info = ColorInfo("bt709", full_range=full_range)
    step = (max_code + 1) // 256
    lo, hi = (0, max_code) if full_range else (16 * step, 235 * step)
    to_rgb = ycbcr_to_rgb_matrix(info, max_code).astype(float)
    mid = 128 * step
    assert np.allclose(to_rgb @ [lo, mid, mid, 1], 0, atol=1e-3)
    assert np.allclose(to_rgb @ [hi, mid, mid, 1], max_code, atol=1e-2)
    to_ycc = rgb_to_ycbcr_matrix(info, max_code).astype(float)
    assert np.allclose(to_ycc @ [max_code, max_code, max_code, 1], [hi, mid, mid], atol=1e-2)


@pytest.mark.parametrize("colour,luma", [("#ffffff", 940), ("#000000", 64)])
def test_ten_bit_composite_background_is_nominal(tmp_path, index_registry, colour, luma):
    """An 8-bit R'G'B' background in a ProRes 422 HQ composite: white is 940 and neutral, not 943 and tinted."""
    src = make_clip(str(tmp_path / "c.mp4"), frames=2, width=160, height=96)
    out = str(tmp_path / "comp.mov")
    api.run("greenscreen", src, out, kind="composite", background=colour, registry=index_registry)
    y, cb, cr = _planes(out, "yuv422p10le")[0][:3]
    bg = (slice(16, 96), slice(2, 160 // 8 - 4))  # the index backend's transparent stripe, below the index blocks
    assert abs(y[bg].mean() - luma) < 0.6
    assert abs(cb[:, 1 : 160 // 16 - 2][16:].mean() - 512) < 0.6 and abs(cr[:, 1 : 160 // 16 - 2][16:].mean() - 512) < 0.6


@pytest.mark.parametrize("name,fmt", [("comp.mov", "yuv422p10le"), ("comp_%04d.png", None)])
def test_ten_bit_composite_keeps_the_foreground_precision(tmp_path, prores10, name, fmt):
    """A ProRes 422 HQ (or PNG) composite of a 10-bit source is computed from 16-bit R'G'B': the card keeps
    its 10-bit codes (an 8-bit composite puts most of them on multiples of 4)."""
    out = str(tmp_path / name)
    api.run("greenscreen", prores10, out, kind="composite", background="#808080", options={"despill": "none"})
    if fmt is None:
        first = cv2.imread(str(tmp_path / "comp_0000.png"), cv2.IMREAD_UNCHANGED)
        assert first.dtype == np.uint16
        got = cv2.cvtColor(first, cv2.COLOR_BGR2RGB).astype(float)
        inner = _opaque(np.full((H, W), 1023))
        assert np.abs(got - _scene(0) * 65535.0)[inner].mean() < 64  # within a 10-bit code (8-bit steps: 257)
        return
    src, comp = _planes(prores10, fmt), _planes(out, fmt)
    for s, c in zip(src, comp):
        inner = _opaque(np.full(c[0].shape, 1023))
        assert np.abs(s[0] - c[0])[inner].mean() < 0.6
        assert (c[0][inner] % 4 == 0).mean() < 0.4


def test_sixteen_bit_composite_mixes_in_linear_light():
    """Half-covered white over black is half the light: sRGB 0.7354 (48193 of 65535), from 16- and 8-bit inputs alike."""
    from mattebox.matte.composite import composite_over

    half = np.full((1, 1), 0.5, np.float32)
    white16, black8 = np.full((1, 1, 3), 65535, np.uint16), np.zeros((1, 1, 3), np.uint8)
    out = composite_over(white16, half, black8)
    assert out.dtype == np.uint16 and np.abs(out.astype(int) - 48193).max() <= 2
    assert np.abs(composite_over(np.full((1, 1, 3), 255, np.uint8), half, black8).astype(int) * 257 - 48193).max() <= 257
