"""The compositor path in real Blender: a Movie Clip node's key or matte, timed like the clip, rendered with alpha."""

from __future__ import annotations

from fractions import Fraction

import cv2
import numpy as np
import pytest

from blender_harness import make_blender_env, run_scenario
from media_factory import make_clip, read_index
from pixels import regions


def level(index: int) -> float:
    return ((index % 40) + 1) / 41.0


@pytest.fixture(scope="module")
def run(tmp_path_factory, extension_zip):
    tmp = tmp_path_factory.mktemp("compositor")
    home = tmp / "mattebox-home"
    home.mkdir()
    clip = make_clip(str(tmp / "clip2997.mp4"), frames=60, rate=Fraction(30000, 1001), width=160, height=96)
    (tmp / "renders").mkdir()
    (tmp / "project").mkdir()
    params = {"zip": extension_zip, "out": str(tmp / "renders"), "clip2997": clip, "blend": str(tmp / "project" / "comp.blend")}
    return run_scenario("compositor", params, make_blender_env(tmp, home), tmp)


def _rgba(path: str) -> np.ndarray:
    image = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    assert image is not None and image.shape[2] == 4, path
    return image[:, :, [2, 1, 0, 3]].astype(np.float64)


def test_keyed_image_node_takes_over_the_clips_links(run):
    case = run["keyed"]
    assert case["report"]["ok"], case["report"]
    (image,) = case["images"]
    # the scene shows media 8..43 (frames 15..50 of a clip starting at 10 with offset 3): 36 frames, from frame 15
    assert (image["frame_start"], image["frame_duration"], image["frame_offset"]) == (15, 36, 0)
    assert image["alpha_mode"] == "PREMUL" and image["path"].endswith(".mov")
    assert case["links"] == ["Movie Clip keyed:Image -> Group Output:Image"]


def test_matte_feeds_set_alpha(run):
    case = run["matte"]
    assert case["report"]["ok"], case["report"]
    (image,) = case["images"]
    assert (image["frame_start"], image["frame_duration"], image["colorspace"]) == (15, 36, "Non-Color")
    assert case["links"] == sorted(["Movie Clip matte:Image -> Movie Clip masked:Alpha", "Movie Clip masked:Image -> Group Output:Image",
                                    "Movie Clip:Image -> Movie Clip masked:Image"])


@pytest.mark.parametrize("kind", ["keyed", "matte"])
def test_rendered_alpha_and_colour(run, kind):
    case = run[kind]
    for frame_text, path in case["after"].items():
        frame = int(frame_text)
        media = frame - case["clip"]["frame_start"] + case["clip"]["frame_offset"]
        after, before = _rgba(path), _rgba(case["before"][frame_text])
        assert read_index(before[:, :, :3].astype("uint8")) == media  # the clip itself shows that media frame
        where = regions(after.shape)
        alpha = after[:, :, 3] / 255.0
        assert np.abs(alpha[where["opaque"]] - 1).max() < 0.01, f"{kind} frame {frame}: not opaque on top"
        assert alpha[where["clear"]].max() < 0.01, f"{kind} frame {frame}: not clear bottom left"
        got = float(np.median(alpha[where["level"]]))
        assert abs(got - level(media)) < 0.01, f"{kind} frame {frame}: alpha {got:.4f}, media frame {media} has {level(media):.4f}"
        diff = np.abs(after[where["opaque"]][..., :3] - before[where["opaque"]][..., :3])
        assert diff.mean() < 2.5 and np.percentile(diff, 99) <= 14, f"{kind} frame {frame}: colours off by {diff.mean():.2f}"
        assert read_index(after[:, :, :3].astype("uint8")) == media
