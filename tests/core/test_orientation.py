"""Clips shown turned (a phone's display matrix): outputs keep the coded layout and carry the matrix,
person segmenters see people upright, backgrounds and previews are laid out as the clip is shown."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import av
import cv2
import numpy as np
import pytest

from media_factory import make_clip
from mattebox import api, hookimpl
from mattebox.backend import MatteResult, TaskSupport
from mattebox.errors import MatteboxError
from mattebox.limits import Limits
from mattebox.media import encoders
from mattebox.media.color import ColorInfo
from mattebox.media.frame import Frame
from mattebox.media.orientation import Orientation, display_matrix_of
from mattebox.media.probe import probe
from mattebox.plugins import get_plugin_manager, get_registry
from mattebox.tasks import Task

# (counter-clockwise degrees, hflip, vflip): the eight EXIF orientations as FFmpeg writes them
EIGHT = [(0, True, False), (90, False, False), (180, False, False), (-90, False, False),
         (0, False, True), (90, True, False), (-90, True, False), (180, True, False)]


def _matrix_of(path: str) -> tuple[int, ...] | None:
    with av.open(path) as c:
        return display_matrix_of(next(c.decode(video=0)))


def _shown_at(matrix: tuple[int, ...], w: int, h: int, x: int, y: int) -> tuple[int, int]:
    """Where the centre of coded pixel (x, y) lands on screen, by display.h's formula
    p' = a·p + c·q, q' = b·p + d·q, the picture then moved so that it starts at 0."""
    a, b, c, d = (v / 65536.0 for v in (matrix[0], matrix[1], matrix[3], matrix[4]))
    corners = [(a * p + c * q, b * p + d * q) for p in (0, w) for q in (0, h)]
    px, qy = a * (x + 0.5) + c * (y + 0.5), b * (x + 0.5) + d * (y + 0.5)
    return int(px - min(p for p, _ in corners)), int(qy - min(q for _, q in corners))


@pytest.mark.parametrize("turn", EIGHT)
def test_upright_follows_the_display_matrix_formula(tmp_path, turn):
    w, h = 48, 32
    path = make_clip(str(tmp_path / "o.mp4"), frames=1, width=w, height=h, display=turn)
    matrix = probe(path).video.display_matrix
    assert matrix is not None and matrix == _matrix_of(path)
    orientation = Orientation.from_matrix(matrix)
    assert orientation.rectilinear
    coded = np.zeros((h, w), np.uint8)
    for x, y in ((3, 5), (40, 2), (7, 29)):
        coded[:] = 0
        coded[y, x] = 255
        shown = orientation.upright(coded)
        assert shown.shape == orientation.display_size(w, h)[::-1]
        sy, sx = np.argwhere(shown == 255)[0]
        assert (int(sx), int(sy)) == _shown_at(matrix, w, h, x, y)
        assert np.array_equal(orientation.coded(shown), coded)


def test_phone_portrait_description_and_identity():
    phone = Orientation.from_matrix((0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30))  # a phone held upright
    assert phone.describe() == "shown turned 90° clockwise" and phone.transposed and not phone.mirrored
    assert phone.display_size(1920, 1080) == (1080, 1920)
    assert Orientation.from_matrix((65536, 0, 0, 0, 65536, 0, 0, 0, 1 << 30)) is None
    assert Orientation.from_matrix(None) is None
    tilted = Orientation.from_matrix((56756, 32768, 0, -32768, 56756, 0, 0, 0, 1 << 30))  # 30°: carried, not applied
    assert tilted is not None and not tilted.rectilinear
    with pytest.raises(ValueError):
        tilted.upright(np.zeros((4, 4)))


def test_a_clip_shown_as_coded_has_no_matrix(tmp_path):
    info = probe(make_clip(str(tmp_path / "plain.mp4"), frames=3))
    assert info.video.display_matrix is None and info.video.orientation is None
    assert "shown" not in info.describe()


@pytest.mark.parametrize("kind,name", [("matte", "m.mkv"), ("matte", "m.mov"), ("keyed", "k.mov"),
                                       ("keyed", "k.webm"), ("composite", "c.mp4")])
def test_outputs_keep_the_coded_layout_and_carry_the_matrix(tmp_path, index_registry, kind, name):
    src = make_clip(str(tmp_path / "phone.mp4"), frames=6, width=96, height=64, display=(-90, False, False))
    out = str(tmp_path / name)
    api.run("body", src, out, kind=kind, background="#00ff00" if kind == "composite" else None, registry=index_registry)
    info = probe(out)
    assert (info.video.width, info.video.height) == (96, 64)
    assert info.video.frame_count == 6
    assert info.video.display_matrix == probe(src).video.display_matrix
    assert "shown turned 90° clockwise" in info.describe()


@pytest.mark.parametrize("kind", ["matte", "keyed", "composite"])
def test_an_image_sequence_is_written_as_the_clip_is_shown(tmp_path, index_registry, kind):
    """Images carry no display matrix: they are laid out as the source is shown (Blender 5 and
    players show a phone clip upright), like the video outputs that carry the matrix."""
    src = make_clip(str(tmp_path / "phone.mp4"), frames=3, width=96, height=64, display=(-90, False, False))
    mov = str(tmp_path / "m.mkv")
    api.run("body", src, outputs=[{"kind": "matte", "path": mov},
                                  {"kind": kind, "path": str(tmp_path / "s_%04d.png"), "background": "#204060" if kind == "composite" else None}],
            registry=index_registry)
    shown = probe(src).video.orientation
    with av.open(mov) as c:
        coded_mattes = [f.to_ndarray() for f in c.decode(video=0)]
    for i, coded in enumerate(coded_mattes):
        image = cv2.imread(str(tmp_path / f"s_{i:04d}.png"), cv2.IMREAD_UNCHANGED)
        assert image.shape[:2] == (96, 64)  # 64 wide, 96 high: as shown
        if kind == "matte":  # 16-bit gray
            assert np.array_equal((image.astype(np.int64) * 255 + 32767) // 65535, shown.upright(coded))
        elif kind == "keyed":
            assert np.array_equal(image[..., 3], shown.upright(coded))


def test_without_matrix_support_a_video_output_is_refused_before_any_work(tmp_path, index_registry, monkeypatch):
    monkeypatch.setattr(encoders, "WRITES_DISPLAY_MATRIX", False)  # PyAV 17.0 or older
    src = make_clip(str(tmp_path / "phone.mp4"), frames=3, width=96, height=64, display=(-90, False, False))
    with pytest.raises(MatteboxError) as err:
        api.run("body", src, str(tmp_path / "m.mov"), registry=index_registry)
    assert err.value.code == "InvalidParameter"
    assert "shown turned 90° clockwise" in err.value.message and "PyAV 17.1" in err.value.message
    assert "PNG sequence" in err.value.hint
    assert sorted(p.name for p in tmp_path.iterdir()) == ["phone.mp4"]  # nothing written
    api.run("body", src, str(tmp_path / "m_%04d.png"), registry=index_registry)  # the way out it names
    assert (tmp_path / "m_0002.png").is_file()
    plain = make_clip(str(tmp_path / "plain.mp4"), frames=3, width=96, height=64)
    api.run("body", plain, str(tmp_path / "p.mov"), registry=index_registry)  # unturned clips are unaffected


class _TopRows:
    """Test backend: the matte is 1 on the top quarter of the picture it is given (and it can hold frames)."""

    name = "toprows"
    description = "test: matte on the top rows of what it sees"

    def __init__(self, upright: bool, hold: int = 0, colour: str = "rgb") -> None:
        self.upright = upright
        self.hold = hold
        self.colour = colour  # the foreground as "rgb" (grey from luma) or as the frame's own "ycbcr" planes
        self.seen: list[tuple[int, int]] = []

    def tasks(self):
        return {t: TaskSupport(True) for t in Task}

    def limits(self, task: Task) -> Limits:
        return Limits(min_side=8)

    def options(self, task: Task):
        return []

    def create(self, task: Task, options: Mapping[str, Any], context):
        backend = self

        class Proc:
            batch_size = 2

            def __init__(self) -> None:
                self.queue: list[MatteResult] = []

            def prepare(self) -> None:
                pass

            def process(self, frames: Sequence) -> list[MatteResult]:
                for f in frames:
                    backend.seen.append((f.width, f.height))
                    alpha = np.zeros((f.height, f.width), np.float32)
                    alpha[: f.height // 4] = 1.0
                    y, cb, cr = f.ycbcr420()  # the picture itself must be turned too
                    if backend.colour == "rgb":
                        self.queue.append(MatteResult(alpha, foreground=np.dstack([y, y, y])))
                    else:
                        self.queue.append(MatteResult(alpha, foreground_ycbcr=(y.copy(), cb.copy(), cr.copy())))
                ready = max(0, len(self.queue) - backend.hold)
                out, self.queue = self.queue[:ready], self.queue[ready:]
                return out

            def finish(self) -> list[MatteResult]:
                out, self.queue = self.queue, []
                return out

            def close(self) -> None:
                pass

        return Proc()


def _registry_with(backend):
    class Plugin:
        @hookimpl
        def mattebox_backends(self):
            return [backend]

        @hookimpl(tryfirst=True)
        def mattebox_default_backend(self, task):
            return backend.name

    return get_registry(get_plugin_manager(autoload=False, plugins=[Plugin()]))


@pytest.mark.parametrize("colour", ["rgb", "ycbcr"])
@pytest.mark.parametrize("turn", [(-90, False, False), (90, False, False), (180, False, False), (-90, True, False)])
def test_a_backend_that_wants_people_upright_sees_them_upright(tmp_path, turn, colour):
    w, h = 96, 64
    src = make_clip(str(tmp_path / "phone.mp4"), frames=5, width=w, height=h, display=turn)
    backend = _TopRows(upright=True, hold=1, colour=colour)
    outputs = [{"kind": "matte", "path": str(tmp_path / "m.mkv")},  # lossless, coded layout + matrix
               {"kind": "keyed", "path": str(tmp_path / "k_%04d.png")}]  # as shown
    api.run("body", src, outputs=outputs, registry=_registry_with(backend))
    shown = Orientation.from_matrix(probe(src).video.display_matrix)
    sw, sh = shown.display_size(w, h)
    assert backend.seen == [(sw, sh)] * 5
    top = np.zeros((sh, sw), np.uint8)
    top[: sh // 4] = 255  # what the backend answered, as shown
    with av.open(src) as c:  # the source's colour, as the backend's colour should come back
        coded = [Frame(i, 0.0, f, ColorInfo.from_av(f.colorspace, f.color_range, f.height)) for i, f in enumerate(c.decode(video=0))]
        expected = [np.dstack([f.ycbcr420()[0]] * 3) if colour == "rgb" else f.rgb() for f in coded]
    with av.open(str(tmp_path / "m.mkv")) as c:
        mattes = [f.to_ndarray() for f in c.decode(video=0)]
    assert len(mattes) == 5
    for i in range(5):
        assert np.array_equal(mattes[i], shown.coded(top))  # turned back into the coded layout
        rgba = cv2.imread(str(tmp_path / f"k_{i:04d}.png"), cv2.IMREAD_UNCHANGED)
        assert rgba.shape == (sh, sw, 4)
        assert np.array_equal(rgba[..., 3], top)
        rgb = cv2.cvtColor(rgba[..., :3], cv2.COLOR_BGR2RGB).astype(int)
        want = shown.upright(expected[i]).astype(int)
        assert np.abs(rgb - want)[top == 255].max() <= 1  # its own colour, in place


def test_a_backend_that_does_not_care_gets_the_coded_frames(tmp_path):
    src = make_clip(str(tmp_path / "phone.mp4"), frames=3, width=96, height=64, display=(-90, False, False))
    backend = _TopRows(upright=False)
    api.run("body", src, str(tmp_path / "m.mkv"), registry=_registry_with(backend))
    assert backend.seen == [(96, 64)] * 3


def test_the_keyer_keys_a_turned_clip_exactly_as_the_same_clip_unturned(tmp_path):
    """The keyer does not turn frames (a screen is a screen either way, and it costs nothing)."""
    mattes = []
    for name, display in (("plain.mp4", None), ("phone.mp4", (-90, False, False))):
        src = make_clip(str(tmp_path / name), frames=4, width=160, height=96, display=display)
        out = str(tmp_path / (name + ".mkv"))
        api.run("greenscreen", src, out, backend="keyer")
        with av.open(out) as c:
            mattes.append([f.to_ndarray() for f in c.decode(video=0)])
    assert len(mattes[0]) == 4 and all(np.array_equal(a, b) for a, b in zip(*mattes))


def test_an_image_background_is_upright_on_screen(tmp_path, index_registry):
    src = make_clip(str(tmp_path / "phone.mp4"), frames=2, width=128, height=72, display=(-90, False, False))
    bg = np.zeros((320, 180, 3), np.uint8)  # a portrait picture: red top half, blue bottom half (BGR on disk)
    bg[:160] = (0, 0, 255)
    bg[160:] = (255, 0, 0)
    cv2.imwrite(str(tmp_path / "bg.png"), bg)
    out = str(tmp_path / "c.mkv")  # lossless, in the coded layout with the matrix
    api.run("body", src, out, kind="composite", background=str(tmp_path / "bg.png"), registry=index_registry)
    with av.open(out) as c:
        comp = cv2.cvtColor(next(c.decode(video=0)).to_ndarray(format="rgb24"), cv2.COLOR_RGB2BGR)
    assert comp.shape == (72, 128, 3)  # frame 0's matte is 1/41: nearly all background
    shown = Orientation.from_matrix(probe(src).video.display_matrix).upright(comp)
    assert shown.shape[:2] == (128, 72)
    top, bottom = shown[:12].reshape(-1, 3).mean(0), shown[-12:].reshape(-1, 3).mean(0)
    assert top[2] > 200 and top[0] < 60, f"top of the screen should be red, is BGR {top}"
    assert bottom[0] > 200 and bottom[2] < 60, f"bottom of the screen should be blue, is BGR {bottom}"


def test_the_preview_sheet_shows_the_clip_upright(tmp_path, index_registry):
    from mattebox.cli.preview import make_contact_sheet

    src = make_clip(str(tmp_path / "phone.mp4"), frames=4, width=128, height=72, display=(-90, False, False))
    sheet = cv2.imread(make_contact_sheet("body", src, str(tmp_path / "s.png"), count=2, width=90,
                                          registry=index_registry))
    assert sheet.shape == (2 * 160, 3 * 90, 3)  # rows of portrait cells: 90 wide, 160 high


def test_an_image_sequence_can_be_asked_for_in_the_coded_layout(tmp_path, mattebox_home):
    """For an application that reads phone clips as coded (the Nuke node asks for this)."""
    from cli_helpers import run_cli

    src = make_clip(str(tmp_path / "phone.mp4"), frames=3, width=96, height=64, display=(-90, False, False))
    done = run_cli(mattebox_home, "run", "greenscreen", src, "-o", str(tmp_path / "m_%04d.png"),
                   "--image-layout", "coded", "--progress", "none")
    assert done.returncode == 0, done.stderr
    assert cv2.imread(str(tmp_path / "m_0000.png"), cv2.IMREAD_UNCHANGED).shape == (64, 96)
    bad = run_cli(mattebox_home, "run", "greenscreen", src, "-o", str(tmp_path / "n_%04d.png"), "--image-layout", "sideways")
    assert bad.returncode != 0 and "sideways" in bad.stderr and "Traceback" not in bad.stderr
    with pytest.raises(MatteboxError) as err:
        api.run("greenscreen", src, str(tmp_path / "o_%04d.png"), image_layout="sideways")
    assert err.value.code == "InvalidParameter" and not list(tmp_path.glob("o_*"))


_TURN_30 = (56756, 32768, 0, -32768, 56756, 0, 0, 0, 1 << 30)


@pytest.mark.parametrize("ext", ["mp4", "mov"])
@pytest.mark.parametrize("faststart", [False, True])
@pytest.mark.parametrize("matrix", [None, (0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30), (-65536, 0, 0, 0, -65536, 0, 0, 0, 1 << 30),
                                    (0, 65536, 0, 65536, 0, 0, 0, 0, 1 << 30), _TURN_30])
def test_the_header_matrix_is_the_one_ffmpeg_puts_on_frames(tmp_path, ext, faststart, matrix):
    """Probe reads MP4/MOV headers instead of decoding a frame: it must agree with FFmpeg exactly."""
    from mattebox.media import isobmff

    path = make_clip(str(tmp_path / f"c.{ext}"), frames=2, width=64, height=48, matrix=matrix, faststart=faststart)
    assert isobmff.display_matrix(path) == _matrix_of(path) == probe(path).video.display_matrix
    assert (matrix is None) == (_matrix_of(path) is None)


def test_a_movie_header_matrix_combines_with_the_tracks_as_ffmpeg_does(tmp_path):
    from mattebox.media import isobmff

    path = make_clip(str(tmp_path / "c.mov"), frames=2, width=64, height=48, matrix=(0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30))
    data = bytearray(open(path, "rb").read())
    at = data.index(b"mvhd") + 4 + 36  # version 0: the matrix's offset in the box's payload
    data[at : at + 36] = np.array([-65536, 0, 0, 0, -65536, 0, 0, 0, 1 << 30], ">i4").tobytes()  # the movie turned 180°
    open(path, "wb").write(bytes(data))
    combined = _matrix_of(path)
    assert combined is not None and combined[:2] == (0, -65536)  # FFmpeg's product: the other quarter turn
    assert isobmff.display_matrix(path) == combined


def test_damaged_or_foreign_headers_fall_back_to_the_decoder(tmp_path):
    from mattebox.media import isobmff

    assert isobmff.display_matrix(make_clip(str(tmp_path / "c.mkv"), frames=2, container="matroska")) is isobmff.NOT_ISOBMFF
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x10moov\x00\x00\x00\x00")  # a moov with nothing in it
    assert isobmff.display_matrix(str(broken)) is isobmff.NOT_ISOBMFF
