"""Start timecode: read from camera files, carried into every video output, moved on by --frames."""

from __future__ import annotations

from fractions import Fraction

import av
import pytest

from media_factory import make_clip
from mattebox import api
from mattebox.media.probe import probe
from mattebox.media.timecode import Timecode, timecode_of

NTSC = Fraction(30000, 1001)


def test_non_drop_frame_counts_and_wraps_at_24_hours():
    tc = Timecode.parse("10:00:00:00", 25)
    assert str(tc.shifted(1)) == "10:00:00:01" and str(tc.shifted(25 * 3600)) == "11:00:00:00"
    assert str(Timecode.parse("23:59:59:24", 25).shifted(1)) == "00:00:00:00"
    assert str(Timecode.parse("01:00:00:00", NTSC)) == "01:00:00:00"  # 29.97 written with ':' is non-drop


def test_drop_frame_skips_two_numbers_a_minute_except_every_tenth():
    start = Timecode.parse("00:00:00;00", NTSC)
    assert start.drop
    assert str(start.shifted(1800)) == "00:01:00;02"  # 1800 frames in: ;00 and ;01 do not exist
    assert str(start.shifted(17982)) == "00:10:00;00"  # ten minutes of 29.97 fps: no skip at minute 10
    assert str(Timecode.parse("00:00:59;29", NTSC).shifted(1)) == "00:01:00;02"
    assert str(Timecode.parse("00:09:59;29", NTSC).shifted(1)) == "00:10:00;00"
    assert str(Timecode.parse("00:00:59;59", Fraction(60000, 1001)).shifted(1)) == "00:01:00;04"  # 59.94: four
    day = start.shifted(-1)
    assert str(day) == "23:59:59;29" and str(day.shifted(1)) == "00:00:00;00"
    for frame in range(0, 40000, 7):  # every label read back is the same frame
        tc = start.shifted(frame)
        assert Timecode.parse(str(tc), NTSC) == tc


def test_what_is_not_a_timecode():
    assert Timecode.parse("1:00:00", 25) is None and Timecode.parse("01:00:00:25", 25) is None
    assert Timecode.parse("01:61:00:00", 25) is None and Timecode.parse("01:00:00:00", 0) is None
    assert not Timecode.parse("01:00:00;00", 25).drop  # ';' means drop frame only at 29.97 / 59.94
    assert timecode_of({"handler_name": "x"}, [{}, {"TIMECODE": "02:00:00:00"}], Fraction(25)) == Timecode.parse("02:00:00:00", 25)
    assert timecode_of({}, [{"timecode": "garbage"}], Fraction(25)) is None


def _camera_clip(path: str, timecode: str | None, rate=Fraction(25), frames: int = 20) -> str:
    return make_clip(path, frames=frames, rate=rate, width=64, height=48, timecode=timecode)


@pytest.mark.parametrize("kind,name", [("keyed", "k.mov"), ("keyed", "k.webm"), ("matte", "m.mkv"), ("matte", "m.mp4"),
                                       ("matte", "m.mov"), ("composite", "c.mp4")])
def test_outputs_start_at_the_source_timecode_of_their_first_frame(tmp_path, index_registry, kind, name):
    src = _camera_clip(str(tmp_path / "cam.mov"), "14:23:11:05")
    assert str(probe(src).video.timecode) == "14:23:11:05"
    out = str(tmp_path / name)
    api.run("body", src, out, kind=kind, frames=(10, 14), background="blur" if kind == "composite" else None,
            registry=index_registry)
    info = probe(out)
    assert info.video.frame_count == 5
    assert str(info.video.timecode) == "14:23:11:15"  # source frame 10


def test_drop_frame_timecode_survives_a_frame_range(tmp_path, index_registry):
    src = _camera_clip(str(tmp_path / "cam.mov"), "00:59:59;28", rate=NTSC)
    out = str(tmp_path / "k.mov")
    api.run("body", src, out, kind="keyed", frames=(4, 9), registry=index_registry)
    assert str(probe(out).video.timecode) == "01:00:00;02"  # ;28 ;29 | 01:00:00;00 ;01 ;02: minute 60 is a tenth


def test_a_source_without_timecode_gives_outputs_without(tmp_path, index_registry):
    src = _camera_clip(str(tmp_path / "plain.mov"), None)
    out = str(tmp_path / "k.mov")
    api.run("body", src, out, kind="keyed", registry=index_registry)
    assert probe(src).video.timecode is None and probe(out).video.timecode is None


@pytest.mark.parametrize("text,rate", [("00:01:00;02", NTSC), ("00:10:00;00", NTSC), ("01:00:00;02", NTSC), ("13:37:42;17", NTSC),
                                       ("00:01:00;04", Fraction(60000, 1001)), ("14:23:11:05", Fraction(25))])
def test_frame_numbers_agree_with_ffmpegs_timecode_track(tmp_path, text, rate):
    """FFmpeg's QuickTime muxer stores the start timecode as a frame number: the same one."""
    import struct

    path = _camera_clip(str(tmp_path / "t.mov"), text, rate=rate, frames=1)
    with av.open(path) as c:
        track = next(s for s in c.streams if s.type == "data")
        stored = next(struct.unpack(">I", bytes(p)[:4])[0] for p in c.demux(track) if p.size)
    assert Timecode.parse(text, rate).frame == stored
