"""Masks of a clip shown turned (a phone's portrait clip): whichever layout the service answers in,
the alphas come out in the source's coded layout, frame for frame."""

from __future__ import annotations

import av
import numpy as np
import pytest

from mattebox.media.orientation import Orientation
from mattebox_aliyun.processor import iter_masks

PHONE = Orientation.from_matrix((0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30))  # shown turned 90° clockwise
W, H = 96, 64  # the source as coded


def _coded_masks(n: int) -> list[np.ndarray]:
    """Distinct masks in the coded layout: a bright block whose place encodes the frame."""
    out = []
    for i in range(n):
        m = np.zeros((H, W), np.uint8)
        m[4 + 2 * i : 20 + 2 * i, 8 : 40 + 4 * i] = 255
        out.append(m)
    return out


def _write(path: str, frames: list[np.ndarray]) -> str:
    h, w = frames[0].shape
    with av.open(path, "w") as out:
        s = out.add_stream("ffv1", rate=25)
        s.width, s.height, s.pix_fmt = w, h, "gray"
        for f in frames:
            for p in s.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(f), format="gray")):
                out.mux(p)
        for p in s.encode(None):
            out.mux(p)
    return path


@pytest.mark.parametrize("layout", ["coded", "shown", "shown at half size"])
def test_masks_come_back_in_the_coded_layout(tmp_path, layout):
    coded = _coded_masks(3)
    if layout == "coded":  # the service kept the coded pixels
        sent = coded
    else:  # the service applied the display matrix (and maybe worked smaller)
        sent = [np.ascontiguousarray(PHONE.upright(m)) for m in coded]
        if layout == "shown at half size":
            sent = [m[::2, ::2] for m in sent]
    path = _write(str(tmp_path / "mask.mkv"), sent)
    alphas = list(iter_masks([(path, 3)], W, H, PHONE))
    assert len(alphas) == 3
    for alpha, want in zip(alphas, coded):
        assert alpha.shape == (H, W)
        agree = ((alpha >= 0.5) == (want >= 128)).mean()
        assert agree >= (1.0 if layout != "shown at half size" else 0.98), f"{layout}: {agree:.3f} of pixels agree"


def test_a_clip_shown_as_coded_keeps_its_masks_as_they_are(tmp_path):
    coded = _coded_masks(2)
    path = _write(str(tmp_path / "mask.mkv"), coded)
    for alpha, want in zip(iter_masks([(path, 2)], W, H, None), coded):
        assert np.array_equal(alpha >= 0.5, want >= 128)
