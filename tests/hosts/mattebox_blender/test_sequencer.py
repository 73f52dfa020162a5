"""The VSE path in real Blender: keyed layers and mattes aligned frame for frame with trimmed, offset sources.

One Blender process installs the extension zip, runs ``bpy.ops.mattebox.run`` (synchronous in
background mode) on a generated 29.97 fps clip and on ``greenscreen_walker.mp4`` (trimmed, starting
before frame 0), and renders the VSE; the checks below read those renders.
"""

from __future__ import annotations

import os
from fractions import Fraction

import numpy as np
import pytest

from blender_harness import make_blender_env, run_scenario, shared_clip_path
from mattebox_blender.api.timeline import StripTiming, media_frame_at
from media_factory import make_clip, make_phone_clip, read_index
from pixels import alpha_of_mix, assert_background, assert_source_colours, load_rgb, regions

KEYED_MOV, MATTE, WALKER, KEYER = "generated_keyed_mov", "generated_matte", "walker_keyed_png", "walker_default_keyer"


def level(index: int) -> float:
    return ((index % 40) + 1) / 41.0


@pytest.fixture(scope="module")
def run(tmp_path_factory, extension_zip):
    tmp = tmp_path_factory.mktemp("sequencer")
    home = tmp / "mattebox-home"
    home.mkdir()
    clip = make_clip(str(tmp / "clip2997.mp4"), frames=60, rate=Fraction(30000, 1001), width=160, height=96)
    phone = make_phone_clip(shared_clip_path("greenscreen_walker.mp4"), str(tmp / "phone.mp4"), 150, 12)
    (tmp / "renders").mkdir()
    params = {"zip": extension_zip, "out": str(tmp / "renders"), "clip2997": clip,
              "walker": shared_clip_path("greenscreen_walker.mp4"), "blend": str(tmp / "project" / "edit.blend"),
              "phone": phone}
    (tmp / "project").mkdir()
    return run_scenario("sequencer", params, make_blender_env(tmp, home), tmp)


def _timing(strip: dict) -> StripTiming:
    return StripTiming(strip["frame_start"], strip["frame_final_start"], strip["frame_final_end"], strip["frame_duration"],
                       strip["anim_offset_start"], strip["reversed"])


def _strip(case: dict, name: str) -> dict:
    return next(s for s in case["strips"] if s["name"] == name)


def test_the_extension_runs_from_its_zip(run):
    install = run["install"]
    assert install["result"] == ["FINISHED"] and install["addon_enabled"] and install["operator"]
    # mattebox.publish came from the extension's own wheel, not from this checkout
    assert "/extensions/.local/lib/python3.11/site-packages/mattebox/publish/" in install["publish_from"]


@pytest.mark.parametrize("case_name", [KEYED_MOV, WALKER, KEYER])
def test_keyed_layer_above_with_alpha_over_on_the_same_frames(run, case_name):
    case = run[case_name]
    assert case["result"] == ["FINISHED"] and case["report"]["ok"], case["report"]
    source, layer = _strip(case, "source"), _strip(case, "source keyed")
    before = case["source_before"]
    assert layer["channel"] == before["channel"] + 1 and layer["blend_type"] == "ALPHA_OVER" and not layer["mute"]
    assert (layer["frame_final_start"], layer["frame_final_end"]) == (before["frame_final_start"], before["frame_final_end"])
    assert source["mute"] and (source["frame_final_start"], source["frame_final_end"]) == (before["frame_final_start"], before["frame_final_end"])
    assert layer["modifiers"] == [] and source["modifiers"] == []


def test_only_the_trimmed_range_is_processed(run):
    mov = _strip(run[KEYED_MOV], "source keyed")
    assert mov["type"] == "MOVIE" and mov["filepath"].endswith(".mov") and mov["frame_duration"] == 44  # of 60 frames
    assert mov["alpha_mode"] == "PREMUL"  # Blender 5.0 reads movie alpha as premultiplied; the job writes it so
    png = _strip(run[WALKER], "source keyed")
    assert png["type"] == "IMAGE" and png["alpha_mode"] == "STRAIGHT"
    assert png["files"] == [f"source_{n:04d}.png" for n in range(100, 154)]  # media frames 100..153 of 354
    assert sorted(os.listdir(png["directory"])) == png["files"]
    # outputs go beside the .blend (//mattebox)
    assert os.path.dirname(mov["filepath"]).endswith(os.path.join("project", "mattebox"))


def test_matte_strip_and_mask_modifier(run):
    case = run[MATTE]
    assert case["report"]["ok"], case["report"]
    source, matte = _strip(case, "source"), _strip(case, "source matte")
    assert matte["channel"] == 3 and matte["mute"] and matte["type"] == "MOVIE" and matte["frame_duration"] == 44
    assert (matte["frame_final_start"], matte["frame_final_end"]) == (source["frame_final_start"], source["frame_final_end"]) == (42, 86)
    assert source["modifiers"] == [{"name": "mattebox matte", "type": "MASK", "mask_strip": "source matte"}]
    assert not source["mute"] and source["blend_type"] == "ALPHA_OVER"


@pytest.mark.parametrize("case_name", [KEYED_MOV, MATTE, WALKER])
def test_rendered_pixels(run, case_name):
    """Source colours where alpha is 1, the channel below where it is 0, and the right frame's level in between."""
    case = run[case_name]
    timing = _timing(case["source_before"])
    # ProRes 4444 keeps 4:4:4 chroma where Blender's own decode of the 4:2:0 source interpolates it: allow a little
    colour_tol = {KEYED_MOV: (2.0, 12.0), MATTE: (1.0, 1.0), WALKER: (0.5, 3.0)}[case_name]
    checked = 0
    for frame_text, paths in case["renders"].items():
        frame = int(frame_text)
        layered, source = load_rgb(paths["A"]), load_rgb(paths["B"])
        media = media_frame_at(timing, frame)
        what = f"{case_name} frame {frame}"
        if media is None:
            assert_background(layered, (slice(None), slice(None)), what + " (after the strip)", tol=0.0)
            continue
        where = regions(layered.shape)
        assert_source_colours(layered, source, where["opaque"], mean_tol=colour_tol[0], p99_tol=colour_tol[1], what=what)
        assert_background(layered, where["clear"], what)
        a = alpha_of_mix(layered, source, where["level"])
        assert abs(a - level(media)) < 0.01, f"{what}: alpha {a:.4f} is the level of another frame than media frame {media} ({level(media):.4f})"
        if case_name != WALKER:  # the generated clip's frames show their index: the layer shows the source's frame
            assert read_index(source.astype("uint8")) == media and read_index(layered.astype("uint8")) == media
        checked += 1
    assert checked == 3


def test_the_default_green_screen_backend_keys_the_real_clip(run):
    """No backend named: the task's default (the keyer) runs; the screen turns into the channel below."""
    case = run[KEYER]
    assert case["report"]["ok"], case["report"]
    layer = _strip(case, "source keyed")
    assert layer["frame_duration"] == 20 and (layer["frame_final_start"], layer["frame_final_end"]) == (151, 171)
    (paths,) = case["renders"].values()
    layered, source = load_rgb(paths["A"]), load_rgb(paths["B"])
    screen = (source[..., 1] > source[..., 0] + 40) & (source[..., 1] > source[..., 2] + 40)  # green in the source
    assert screen.mean() > 0.5  # the clip is mostly green screen
    magenta = (np.abs(layered - np.array([255.0, 0.0, 255.0])).max(axis=-1) < 40)
    assert magenta[screen].mean() > 0.95, f"only {magenta[screen].mean():.1%} of the screen was keyed out"
    assert magenta[~screen].mean() < 0.5  # the walker stays


@pytest.mark.parametrize("fmt", ["mov", "png"])
def test_a_phone_clip_shown_upright_gets_upright_layers(run, fmt):
    """Blender 5.0 shows a phone's portrait clip upright (it applies the display matrix): the keyed
    ProRes carries the same matrix, the PNGs are written upright, so both lie on the walker."""
    case = run["phone_keyed_" + fmt]
    assert case["report"]["ok"], case["report"]
    layer = _strip(case, "source keyed")
    assert layer["frame_duration"] == 12
    (paths,) = case["renders"].values()
    layered, source = load_rgb(paths["A"]), load_rgb(paths["B"])
    assert layered.shape[:2] == (720, 406)
    screen = (source[..., 1] > source[..., 0] + 40) & (source[..., 1] > source[..., 2] + 40)  # green in the source
    assert 0.6 < screen.mean() < 0.95  # the upright walker over the screen
    magenta = (np.abs(layered - np.array([255.0, 0.0, 255.0])).max(axis=-1) < 40)
    assert magenta[screen].mean() > 0.95, f"only {magenta[screen].mean():.1%} of the screen was keyed out"
    assert magenta[~screen].mean() < 0.1, f"{magenta[~screen].mean():.1%} of the walker is keyed out: the layer lies askew"
