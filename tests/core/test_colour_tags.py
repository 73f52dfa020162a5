"""Colour tags: a picture output keeps its source's primaries and transfer (an HLG phone clip stays
HDR, in ProRes too, whose encoder reads them from each frame); a matte is data and is tagged plain
BT.709 whatever the source."""

from __future__ import annotations

import av
import pytest

from media_factory import frame_pattern
from mattebox import api
from mattebox.media.probe import probe

BT2020, HLG, BT709 = 9, 18, 1


def _hlg_clip(path: str, frames: int = 4) -> str:
    """A 10-bit HEVC clip tagged BT.2020 / HLG, as phones record HDR video."""
    with av.open(path, "w") as out:
        s = out.add_stream("libx265", rate=25)
        s.width, s.height, s.pix_fmt = 128, 72, "yuv420p10le"
        s.options = {"crf": "20", "preset": "ultrafast",
                     "x265-params": "log-level=error:colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc"}
        cc = s.codec_context
        cc.colorspace, cc.color_primaries, cc.color_trc, cc.color_range = BT2020, BT2020, HLG, 1
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(frame_pattern(i, 128, 72), format="rgb24").reformat(format="yuv420p10le")
            for p in s.encode(frame):
                out.mux(p)
        for p in s.encode(None):
            out.mux(p)
    return path


def _tags(path: str) -> tuple[str, int, int]:
    v = probe(path).video
    return v.color.matrix, v.color_primaries, v.color_trc


def test_the_hdr_source_is_tagged_as_phones_write_it(tmp_path):
    assert _tags(_hlg_clip(str(tmp_path / "hlg.mp4"))) == ("bt2020", BT2020, HLG)


@pytest.mark.parametrize("kind,name", [("keyed", "k.mov"), ("keyed", "k.webm"), ("composite", "c.mp4"),
                                       ("composite", "c.mov")])
def test_picture_outputs_keep_the_source_primaries_and_transfer(tmp_path, index_registry, kind, name):
    src = _hlg_clip(str(tmp_path / "hlg.mp4"))
    out = str(tmp_path / name)
    api.run("body", src, out, kind=kind, background="blur" if kind == "composite" else None, registry=index_registry)
    assert _tags(out) == ("bt2020", BT2020, HLG)


@pytest.mark.parametrize("name", ["m.mov", "m.mp4"])
def test_a_matte_in_luma_is_plain_bt709_data(tmp_path, index_registry, name):
    src = _hlg_clip(str(tmp_path / "hlg.mp4"))
    out = str(tmp_path / name)
    api.run("body", src, out, registry=index_registry)
    assert _tags(out) == ("bt709", BT709, BT709)  # an HDR-managed timeline must not tone-map the matte


def test_a_bt709_source_keeps_its_tags_in_prores(tmp_path, index_registry, shared_clip):
    src = shared_clip("greenscreen_walker.mp4")  # tagged BT.709 primaries, transfer and matrix
    assert _tags(src) == ("bt709", BT709, BT709)
    out = str(tmp_path / "k.mov")
    api.run("body", src, out, kind="keyed", frames=(0, 1), registry=index_registry)
    assert _tags(out) == ("bt709", BT709, BT709)  # ProRes wrote "unspecified" before: it reads them per frame
