"""Every keyer option: parsed from CLI text, rejected with the videoseg code when wrong, and changing
the result in the direction its help text promises; plus the backend's declarations and a real job."""

from __future__ import annotations

import av
import cv2
import numpy as np
import pytest
from keyer_helpers import key_clip
from mattebox.errors import MatteboxError
from mattebox.media.probe import probe
from mattebox.media.reader import FrameRange, VideoReader
from mattebox.runner import resolve_options
from mattebox.tasks import Task
from mattebox_keyer.backend import KeyerBackend
from mattebox_keyer.settings import OPTIONS, KeyerSettings, settings_from_options

FRAMES = 3

# a value other than the default for every option (the CLI text a user would type)
OTHER = {
    "screen": "blue",
    "screen-color": "#30b050",
    "screen-balance": "1",
    "linear": "off",
    "clean-plate": "off",
    "clip-black": "0.2",
    "clip-white": "1",
    "core-threshold": "0.8",
    "core-size": "60",
    "edge-refine": "off",
    "edge-tolerance": "1.5",
    "edge-white": "1",
    "upsample": "bilinear",
    "denoise": "2",
    "edge-colour": "source",
    "despill": "min",
    "despill-strength": "0.3",
    "restore-luma": "1",
    "temporal": "0.8",
    "choke": "2",
    "feather": "3",
}


@pytest.fixture(scope="module")
def default_run(clips):
    return key_clip(clips["hard"].path, frames=FRAMES)


def _run(clips, **settings):
    results, frames, _ = key_clip(clips["hard"].path, KeyerSettings(**settings), frames=FRAMES)
    return results, frames


def test_every_option_has_a_changing_value_and_parses():
    assert {o.name for o in OPTIONS} == set(OTHER), "a new option needs a value here and a test below"
    backend = KeyerBackend()
    values = resolve_options(backend, Task.GREENSCREEN, OTHER)
    settings = settings_from_options(values)
    for opt in OPTIONS:
        assert getattr(settings, opt.key) != opt.default, opt.name
    assert settings.screen_color == (0x30, 0xB0, 0x50) and settings.linear is False and settings.clip_black == 0.2
    assert settings_from_options(resolve_options(backend, Task.GREENSCREEN, {})) == KeyerSettings()
    assert settings_from_options(
        resolve_options(backend, Task.GREENSCREEN, {"screen_color": "48,176,80"})
    ).screen_color == (48, 176, 80)


@pytest.mark.parametrize(
    "name,text",
    [
        ("clip-black", "0.9"),
        ("clip-black", "lots"),
        ("screen-color", "#12345"),
        ("screen-color", "1,2"),
        ("linear", "maybe"),
        ("temporal", "1.5"),
        ("denoise", "1.5"),
        ("despill", "purple"),
        ("upsample", "magic"),
    ],
)
def test_bad_values_are_refused_with_the_videoseg_code(name, text):
    with pytest.raises(MatteboxError) as info:
        resolve_options(KeyerBackend(), Task.GREENSCREEN, {name: text})
    assert info.value.code in ("InvalidParameter", "InvalidParameter.Format")
    assert name in info.value.message
    with pytest.raises(MatteboxError, match="no option"):
        resolve_options(KeyerBackend(), Task.GREENSCREEN, {"colour-of-screen": "auto"})


@pytest.mark.parametrize("name", sorted(OTHER))
def test_every_option_changes_the_result(clips, default_run, name):
    key = name.replace("-", "_")
    value = settings_from_options({key: OTHER[name]})
    results, _ = _run(clips, **{key: getattr(value, key)})
    base = default_run[0]
    changed = any(
        not np.array_equal(a.alpha, b.alpha)
        or (a.foreground is None) != (b.foreground is None)
        or (a.foreground is not None and not np.array_equal(a.foreground, b.foreground))
        for a, b in zip(results, base)
    )
    assert changed, f"--{name} {OTHER[name]} changed nothing"


@pytest.mark.parametrize(
    "settings",
    [{}, {"upsample": "guided"}, {"upsample": "bilinear"}, {"feather": 3.0}, {"choke": -2.0}, {"temporal": 0.8}],
    ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()) or "defaults",
)
def test_mattes_are_within_0_1_as_declared(clips, settings):
    """The keyer declares its mattes clipped, so the pipeline skips its own clip: they must be."""
    results, _ = _run(clips, **settings)
    for r in results:
        assert r.alpha_in_range and r.alpha.dtype == np.float32 and r.alpha.flags.writeable
        assert float(r.alpha.min()) >= 0.0 and float(r.alpha.max()) <= 1.0
        assert 0.0 < float(r.alpha.mean()) < 1.0  # a real matte: neither empty nor solid


def test_options_act_as_documented(clips, default_run):
    base, frames, _ = default_run
    truth = clips["hard"].load_alpha(range(FRAMES))
    mean = lambda rs: float(np.mean([r.alpha.mean() for r in rs]))  # noqa: E731
    soft = lambda rs: float(np.mean([((r.alpha > 0.02) & (r.alpha < 0.98)).mean() for r in rs]))  # noqa: E731
    err = lambda rs: float(np.mean([np.abs(r.alpha - t).mean() for r, t in zip(rs, truth)]))  # noqa: E731

    assert mean(_run(clips, choke=2.0)[0]) < mean(base) < mean(_run(clips, choke=-2.0)[0])
    assert soft(_run(clips, feather=3.0)[0]) > 1.15 * soft(base)
    # clip-black: low matte values become screen
    assert float(np.mean([((r.alpha > 0) & (r.alpha < 0.2)).mean() for r in _run(clips, clip_black=0.2)[0]])) < float(
        np.mean([((r.alpha > 0) & (r.alpha < 0.2)).mean() for r in base])
    )
    # clip-white 1 / a high core threshold / a huge core size: less of the greenish shirt is clipped opaque
    solid = [cv2.erode((t >= 0.999).astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool) for t in truth]
    opaque = lambda rs: float(np.mean([(r.alpha[m] >= 0.95).mean() for r, m in zip(rs, solid)]))  # noqa: E731
    for kw in ({"clip_white": 1.0}, {"core_threshold": 0.8}, {"core_size": 60.0}):
        assert opaque(_run(clips, **kw)[0]) < opaque(base) - 0.05, kw
    # the default's levers each help on this uneven, noisy, spilled clip
    for kw in ({"linear": False}, {"clean_plate": False}, {"edge_refine": False}, {"upsample": "bilinear"}):
        assert err(_run(clips, **kw)[0]) > err(base), kw
    # despill none and source edge colour leave the source's colour; with the default unmixed edges
    # only soft pixels (and their neighbours, through the luma's resampling) change
    assert all(r.foreground is None for r in _run(clips, despill="none", edge_colour="source")[0])
    for r, f in zip(_run(clips, despill="none")[0], frames):
        changed = np.abs(r.foreground.astype(int) - f.rgb()).max(axis=-1) > 2
        near_soft = cv2.dilate(((r.alpha > 0) & (r.alpha < 1)).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
        assert changed.any() and not (changed & ~near_soft).any()
    # despill: min removes more green than average, strength in between
    green = lambda rs: float(np.mean([r.foreground[..., 1].astype(np.float32).mean() for r in rs]))  # noqa: E731
    assert green(_run(clips, despill="min")[0]) < green(base) < green(_run(clips, despill_strength=0.3)[0])
    assert green(_run(clips, despill="max")[0]) > green(base)
    bright = lambda rs: float(np.mean([r.foreground.astype(np.float32).mean() for r in rs]))  # noqa: E731
    assert bright(_run(clips, restore_luma=1.0)[0]) > bright(base)
    # a blue screen forced on green footage keys nothing away: the matte is far worse
    assert err(_run(clips, screen="blue")[0]) > 5 * err(base)


def test_screen_color_is_the_whole_screen_without_clean_plate(clips):
    clip = clips["green"]
    truth = clip.load_alpha(range(FRAMES))
    measured, _, _ = key_clip(clip.path, KeyerSettings(clean_plate=False), frames=FRAMES)
    right, _, _ = key_clip(clip.path, KeyerSettings(clean_plate=False, screen_color=clip.screen_rgb), frames=FRAMES)
    wrong, _, _ = key_clip(clip.path, KeyerSettings(clean_plate=False, screen_color=(20, 90, 40)), frames=FRAMES)
    err = lambda rs: float(np.mean([np.abs(r.alpha - t).mean() for r, t in zip(rs, truth)]))  # noqa: E731
    assert err(right) < 2 * err(measured)
    assert err(wrong) > 3 * err(right)  # a darker screen colour than the real one leaves the screen half opaque


def test_backend_declarations():
    import mattebox_keyer

    backend = KeyerBackend()
    assert backend.name == "keyer"
    tasks = backend.tasks()
    assert tasks[Task.GREENSCREEN].offered and not tasks[Task.BODY].offered and not tasks[Task.HALFBODY].offered
    limits = backend.limits(Task.GREENSCREEN)
    assert (limits.min_side, limits.max_width, limits.max_height, limits.extensions) == (16, 8192, 8192, None)
    assert [b.name for b in mattebox_keyer.mattebox_backends()] == ["keyer"]
    assert mattebox_keyer.mattebox_default_backend(task=Task.GREENSCREEN) == "keyer"
    assert mattebox_keyer.mattebox_default_backend(task=Task.BODY) is None
    with pytest.raises(MatteboxError) as info:
        backend.create(Task.BODY, {}, None)
    assert info.value.code == "InvalidParameter"


def test_a_real_job_through_the_api_writes_a_matching_matte(tmp_path):
    from mattebox import api
    from mattebox.synthetic import make_greenscreen_clip

    clip = make_greenscreen_clip(tmp_path / "src.mp4", width=320, height=180, frames=8, seed=21)
    out = tmp_path / "matte.mkv"
    job = api.run("greenscreen", clip.path, str(out), kind="matte", options={"despill": "none", "temporal": "0.5"})
    assert job.backend == "keyer"
    with av.open(str(out)) as c:
        mattes = [
            f.to_ndarray(format="gray16le").astype(np.float32) / 65535.0
            if f.format.name.startswith("gray16")
            else f.to_ndarray(format="gray").astype(np.float32) / 255.0
            for f in c.decode(video=0)
        ]
    truth = clip.load_alpha()
    assert len(mattes) == 8
    error = float(np.mean([np.abs(m - t).mean() for m, t in zip(mattes, truth)])) * 1e3
    assert error < 12.0, error  # the job's matte is the keyer's (measured ~7 at this size), frame for frame


def test_keyed_prores_carries_the_despilled_foreground(tmp_path):
    """The keyer's Y'CbCr foreground goes into ProRes 4444 as it is (no R'G'B' round trip): decoded, it is
    the despilled colour the keyer computed, not the source's; a matte-only job computes no colour."""
    from types import SimpleNamespace

    from mattebox import api
    from mattebox.synthetic import make_greenscreen_clip

    clip = make_greenscreen_clip(tmp_path / "src.mp4", width=320, height=180, frames=6, seed=22)
    out = tmp_path / "keyed.mov"
    api.run("greenscreen", clip.path, str(out), kind="keyed")
    with av.open(str(out)) as c:
        decoded = [f.to_ndarray(format="rgba") for f in c.decode(video=0)]
    results, frames, _ = key_clip(clip.path)
    assert len(decoded) == len(results) == 6
    for rgba, result, frame, alpha in zip(decoded, results, frames, clip.iter_alpha()):
        assert np.abs(rgba[..., 3].astype(np.float32) / 255.0 - alpha).mean() < 0.03
        seen = rgba[..., 3] > 0
        fg = result.foreground_rgb(frame.color)
        assert np.abs(rgba[..., :3][seen].astype(np.float32) - fg[seen]).mean() < 0.6  # 10-bit ProRes vs 8-bit RGB (measured 0.2)
        # where the subject meets the screen, the despilled colour has less green than the source
        edge = (alpha > 0.05) & (alpha < 0.95)
        assert rgba[..., 1][edge].mean() < frame.rgb()[..., 1][edge].mean() - 20  # measured ~60 codes

    frames = list(VideoReader(probe(clip.path), FrameRange(0, 3)))
    for wants in (False, True):
        options = resolve_options(KeyerBackend(), Task.GREENSCREEN, {})
        proc = KeyerBackend().create(Task.GREENSCREEN, options, SimpleNamespace(wants_foreground=wants))
        results = proc.process(frames) + proc.finish()
        proc.close()
        assert len(results) == 4
        assert all((r.foreground_ycbcr is not None) == wants for r in results)
