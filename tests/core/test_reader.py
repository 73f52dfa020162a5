"""Probe and reader: frame counts, rates, timestamps, ranges, on generated and real clips."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from media_factory import make_clip, read_index

from mattebox.errors import MatteboxError
from mattebox.media.probe import probe
from mattebox.media.reader import FrameRange, VideoReader, parse_frame_range


@pytest.mark.parametrize("rate", [Fraction(24000, 1001), Fraction(30000, 1001), Fraction(25), Fraction(60)])
def test_rate_and_count_exact(tmp_path, rate):
    clip = make_clip(str(tmp_path / "c.mp4"), frames=17, rate=rate)
    info = probe(clip)
    assert info.video.frame_rate == rate
    assert info.video.frame_count == 17
    frames = list(VideoReader(info))
    assert [f.index for f in frames] == list(range(17))
    assert [read_index(f.rgb()) for f in frames] == list(range(17))
    assert frames[5].time == pytest.approx(5 / float(rate), abs=1e-6)


def test_vfr_timestamps_kept(tmp_path):
    durations = [3000, 3000, 6000, 1500, 1500, 3000, 9000, 3000, 3000, 3000]
    clip = make_clip(str(tmp_path / "vfr.mkv"), frames=10, vfr_durations=durations, container="matroska", time_base=Fraction(1, 90000))
    info = probe(clip)
    assert info.video.vfr
    times = [f.time for f in VideoReader(info)]
    expected = [sum(durations[:i]) / 90000 for i in range(10)]
    assert times == pytest.approx(expected, abs=2e-3)  # Matroska stores milliseconds


def test_avi_with_h264_numbered_by_presentation_order(shared_clip):
    info = probe(shared_clip("pedestrians_vtest.avi"))
    # the AVI header claims 682 frames at 50 fps; the stream holds 341 at 25
    assert info.video.frame_count == 341
    assert info.video.frame_rate == 25
    assert not info.video.pts_reliable
    frames = list(VideoReader(info, FrameRange(0, 9)))
    assert [f.index for f in frames] == list(range(10))
    assert [f.pts for f in frames] == list(range(10))


def test_seek_gives_the_same_frames_as_decoding_from_the_start(shared_clip):
    info = probe(shared_clip("greenscreen_walker.mp4"))
    assert info.video.frame_count == 354 and info.video.frame_rate == 30
    sequential = {f.index: f.rgb().copy() for f in VideoReader(info, FrameRange(0, 215)) if f.index >= 200}
    seeked = list(VideoReader(info, FrameRange(200, 215)))  # 6.7 s in: the reader seeks
    assert [f.index for f in seeked] == list(range(200, 216))
    for f in seeked:
        diff = abs(f.rgb().astype(int) - sequential[f.index].astype(int)).max()
        assert diff == 0, f"frame {f.index} differs after seeking by up to {diff}"


@pytest.mark.parametrize("text,expected", [("0-9", (0, 9)), ("5-", (5, 99)), ("7", (7, 7)), (None, (0, 99)), ((3, None), (3, 99))])
def test_parse_frame_range(text, expected):
    assert tuple(parse_frame_range(text, 100)) == expected


@pytest.mark.parametrize("text", ["9-3", "0-100", "a-b", "-5"])
def test_parse_frame_range_rejects(text):
    with pytest.raises(MatteboxError) as err:
        parse_frame_range(text, 100)
    assert err.value.code.startswith("InvalidParameter")
    assert "0-99" in err.value.message


def test_anamorphic_aspect_ratio(tmp_path):
    info = probe(make_clip(str(tmp_path / "ana.mov"), frames=3, codec="prores_ks", pix_fmt="yuv422p10le", sar=Fraction(4, 3)))
    assert info.video.sample_aspect_ratio == Fraction(4, 3)


def test_odd_size(tmp_path):
    clip = make_clip(str(tmp_path / "odd.mkv"), frames=5, width=161, height=97, codec="ffv1", pix_fmt="yuv444p", container="matroska")
    info = probe(clip)
    assert (info.video.width, info.video.height) == (161, 97)
    frames = list(VideoReader(info))
    assert frames[0].rgb().shape == (97, 161, 3)
    y, cb, cr = frames[0].ycbcr420()
    assert y.shape == (97, 161) and cb.shape == (49, 81)


@pytest.mark.parametrize("width,height", [(162, 98), (1366, 768), (160, 96), (161, 97)])
def test_planes_of_every_even_and_odd_size(tmp_path, width, height):
    clip = make_clip(str(tmp_path / "c.mkv"), frames=2, width=width, height=height, codec="ffv1", pix_fmt="yuv420p", container="matroska")
    frame = next(iter(VideoReader(probe(clip))))
    y, cb, cr = frame.ycbcr420()
    assert y.shape == (height, width) and cb.shape == cr.shape == ((height + 1) // 2, (width + 1) // 2)
    # untagged clips: BT.709 from 720 lines up, BT.601 below (swscale must be told which)
    matrix = "ITU709" if frame.color.matrix == "bt709" else "ITU601"
    assert frame.color.matrix == ("bt709" if height >= 720 else "bt601")
    ref = frame.av_frame.reformat(format="rgb24", src_colorspace=matrix, dst_colorspace=matrix).to_ndarray()
    assert frame.rgb().shape == ref.shape
    assert np.abs(frame.rgb().astype(int) - ref.astype(int)).mean() < 3  # same picture as swscale's conversion
    assert read_index(frame.rgb()) == 0
