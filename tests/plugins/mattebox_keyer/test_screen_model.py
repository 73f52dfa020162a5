"""The clean plate and solid colours measured on key frames and reused by the frames after them: reused
only where they fit (exposure drift is followed, a cut, a local light change or new colours are not
papered over), and the mattes do not depend on how the frames were batched."""

from __future__ import annotations

import av
import numpy as np
from keyer_helpers import key_clip
from mattebox.media.color import ColorInfo
from mattebox.media.frame import Frame
from mattebox_keyer.keyer import Keyer
from mattebox_keyer.processor import KeyerProcessor
from mattebox_keyer.refine import SolidColours
from mattebox_keyer.screen_model import KEY_INTERVAL, reuse_model


def _frames(path: str, count: int | None = None) -> list[Frame]:
    frames = []
    with av.open(path) as container:
        for i, f in enumerate(container.decode(video=0)):
            if count is not None and i >= count:
                break
            frames.append(Frame(i, 0.0, f, ColorInfo.from_av(f.colorspace, f.color_range, f.height)))
    return frames


def _light(keyer: Keyer, frame: Frame):
    y, cb, cr = frame.ycbcr420()
    return keyer.linearise(y, cb, cr, frame.color)


def test_model_follows_exposure_and_refuses_local_changes(clips):
    keyer = Keyer()
    frames = _frames(clips["green"].path, 4)
    model = keyer.screen_model(_light(keyer, frames[0]))
    later = _light(keyer, frames[3])
    fitted = reuse_model(model, later.d_small, None)
    assert fitted is not None  # the same screen three frames on: the key frame's plate fits
    plate, d_plate, mask = fitted
    assert float(mask.mean()) > 0.5
    # the whole screen 8 % brighter (exposure drift, flicker): the plate follows
    brighter = reuse_model(model, later.d_small * 1.08, None)
    assert brighter is not None
    ratio = brighter[1] / d_plate
    assert abs(float(np.median(ratio)) - 1.08) < 0.01 and float(ratio.std()) < 1e-3
    assert np.allclose(brighter[0], plate * float(np.median(ratio)), rtol=1e-5, atol=1e-7)
    # a light switched on over a third of the screen: the plate no longer fits
    lit = later.d_small.copy()
    lit[:, : lit.shape[1] // 3] *= 1.3
    assert reuse_model(model, lit, None) is None
    # most of the screen covered (a subject filling the frame, a cut): measured anew
    covered = later.d_small.copy()
    covered[: int(covered.shape[0] * 0.7)] = 0.0
    assert reuse_model(model, covered, None) is None


def test_a_cut_to_another_screen_measures_its_own_plate(clips):
    """Frames after a cut never key against the plate of the shot before it."""
    first = _frames(clips["green"].path, KEY_INTERVAL + 1)  # the last one is a key frame
    second = _frames(clips["hard"].path, KEY_INTERVAL - 2)  # none of these is a key frame
    proc = KeyerProcessor(workers=2)
    results = []
    for start in range(0, len(first) + len(second), 3):
        results += proc.process((first + second)[start : start + 3])
    results += proc.finish()
    proc.close()
    fresh = Keyer()
    fresh.estimate(*first[0].ycbcr420(), first[0].color)  # the same screen colour as the processor's
    for frame, result in zip(second, results[len(first) :]):
        y, cb, cr = frame.ycbcr420()
        expected, _ = fresh.key(y, cb, cr, frame.color)
        np.testing.assert_array_equal(result.alpha, expected)


def test_key_frames_do_not_depend_on_batches(clips):
    clip = clips["blue"]
    single, _, _ = key_clip(clip.path)
    for batch in (3, 5):
        batched, _, _ = key_clip(clip.path, batch=batch)
        assert len(batched) == len(single) == clip.frames > KEY_INTERVAL
        for a, b in zip(single, batched):
            np.testing.assert_array_equal(a.alpha, b.alpha)
            np.testing.assert_array_equal(a.foreground, b.foreground)


def test_solid_colours_are_reused_only_while_the_core_keeps_them(shared_clip):
    keyer = Keyer()
    frames = _frames(shared_clip("greenscreen_walker.mp4"), 2)  # real footage: the walker, 720p
    first = keyer.estimate_linear(_light(keyer, frames[0]))
    assert first.colours is not None and len(first.colours.centres) >= 2
    light = _light(keyer, frames[1])
    own = keyer.estimate_linear(light)
    again = keyer.estimate_linear(light, colours=first.colours)
    assert again.colours is first.colours  # the next frame shows the same clothes: no k-means
    assert float(np.abs(again.alpha - own.alpha).mean()) < 2e-4  # and keys as its own colours would
    # colours the frame's core does not hold (magenta shades): clustered anew, as with none given
    magenta = SolidColours(np.array([[0.5, 0.0, 0.5], [0.8, 0.1, 0.7], [0.3, 0.0, 0.4]], np.float32), 1e-6)
    other = keyer.estimate_linear(light, colours=magenta)
    assert other.colours is not magenta
    np.testing.assert_array_equal(other.colours.centres, own.colours.centres)
    np.testing.assert_array_equal(other.alpha, own.alpha)
