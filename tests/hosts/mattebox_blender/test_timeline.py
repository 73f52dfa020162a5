"""Strip frame arithmetic (no Blender): a layer placed by layer_placement shows, on every timeline frame,
the media frame its source shows there."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mattebox_blender.api.timeline import StripTiming, layer_placement, media_frame_at, used_media_frames


@st.composite
def timings(draw):
    length = draw(st.integers(1, 300))
    frame_start = draw(st.integers(-500, 500))
    offset_start = draw(st.integers(-20, length - 1))  # negative: the first frame is held
    offset_end = draw(st.integers(-20, length - 1 - max(offset_start, 0)))
    final_start, final_end = frame_start + offset_start, frame_start + length - offset_end
    if final_end <= final_start:
        final_end = final_start + 1
    return StripTiming(float(frame_start), final_start, final_end, length, draw(st.integers(0, 30)), draw(st.booleans()))


@settings(max_examples=400, deadline=None)
@given(timings())
def test_a_placed_layer_shows_the_same_media_frame_on_every_frame(timing):
    first, last = used_media_frames(timing)
    placement = layer_placement(timing, first, last)
    layer = StripTiming(placement.frame_start, int(placement.frame_start + placement.offset_start),
                        int(placement.frame_start + last - first + 1 - placement.offset_end), last - first + 1, 0, placement.reversed)
    assert (layer.final_start, layer.final_end) == (timing.final_start, timing.final_end)
    shown = []
    for frame in range(timing.final_start, timing.final_end):
        media = media_frame_at(timing, frame)
        assert first + media_frame_at(layer, frame) == media, frame
        shown.append(media)
    assert min(shown) == first and max(shown) == last  # exactly the frames used: nothing more is processed


def test_worked_examples():
    # 60-frame clip at frame 37, 5 frames trimmed at the start and 11 at the end: media 5..48 on frames 42..85
    trimmed = StripTiming(37.0, 42, 86, 60)
    assert used_media_frames(trimmed) == (5, 48)
    assert layer_placement(trimmed, 5, 48) == (42.0, 0.0, 0.0, False)
    # hold offsets cut 4 media frames off: content 0 is media 4
    assert used_media_frames(StripTiming(1.0, 1, 57, 56, 4)) == (4, 59)
    # reversed and trimmed: frame 42 shows content 5, which is media 60-1-5 = 54
    reversed_ = StripTiming(37.0, 42, 86, 60, 0, True)
    assert used_media_frames(reversed_) == (11, 54) and media_frame_at(reversed_, 42) == 54
    # a still image held for 30 frames
    still = StripTiming(10.0, 10, 40, 1)
    assert used_media_frames(still) == (0, 0) and layer_placement(still, 0, 0) == (10.0, 0.0, -29.0, False)
    assert used_media_frames(StripTiming(0.0, 5, 5, 10)) is None
