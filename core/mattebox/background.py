"""Backgrounds for composites: a colour, a still image, a video (looped), or the blurred source."""

from __future__ import annotations

import os
import re

import cv2
import numpy as np

from .errors import MatteboxError
from .matte.composite import blur_background
from .media.orientation import Orientation

__all__ = ["Background", "parse_color"]

_NAMED = {
    "black": (0, 0, 0), "white": (255, 255, 255), "gray": (128, 128, 128), "grey": (128, 128, 128),
    "green": (0, 177, 64), "blue": (0, 71, 187), "red": (255, 0, 0), "magenta": (255, 0, 255),
}


def parse_color(text: str) -> tuple[int, int, int] | None:
    """``#rrggbb``, ``rrggbb``, ``r,g,b`` (0-255) or a colour name; ``None`` if ``text`` is not a colour."""
    t = text.strip().lower()
    if t in _NAMED:
        return _NAMED[t]
    m = re.fullmatch(r"#?([0-9a-f]{6})", t)
    if m:
        v = m.group(1)
        return int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16)
    m = re.fullmatch(r"(\d{1,3}),(\d{1,3}),(\d{1,3})", t.replace(" ", ""))
    if m and all(int(x) <= 255 for x in m.groups()):
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    return None


def _cover(image: np.ndarray, w: int, h: int) -> np.ndarray:
    """Scale ``image`` to cover w×h (keeping aspect) and centre-crop."""
    ih, iw = image.shape[:2]
    s = max(w / iw, h / ih)
    nw, nh = max(w, int(round(iw * s))), max(h, int(round(ih * s)))
    scaled = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    x, y = (nw - w) // 2, (nh - h) // 2
    return np.ascontiguousarray(scaled[y : y + h, x : x + w])


class Background:
    """Produces the background frame for each source frame.

    :param spec: a colour, an image path, a video path, or ``blur``.
    :param width: output width; ``height`` likewise (the source's coded size).
    :param orientation: how the source is turned for display: an image or video background is laid
        out upright on screen, then turned into the source's coded layout (``None``: shown as coded).
    """

    def __init__(self, spec: str, width: int, height: int, orientation: Orientation | None = None) -> None:
        self.spec, self.width, self.height = spec, width, height
        self._orientation = orientation if orientation is not None and orientation.rectilinear else None
        self._still: np.ndarray | None = None
        self._video = None
        self._frames = None
        color = parse_color(spec)
        if spec.strip().lower() == "blur":
            self.mode = "blur"
        elif color is not None:
            self.mode = "color"
            self._still = np.empty((height, width, 3), np.uint8)
            self._still[:] = color
        elif os.path.isfile(spec):
            image = cv2.imread(spec, cv2.IMREAD_COLOR)
            if image is not None:
                self.mode = "image"
                self._still = self._coded(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
            else:
                from .media.probe import probe

                self.mode = "video"
                self._video = probe(spec)
        else:
            raise MatteboxError(
                "InvalidParameter",
                f"--background {spec!r} is neither a colour (#rrggbb, r,g,b, a name), an existing image or video file, nor 'blur'",
            )

    def frame_for(self, source_rgb: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
        """The background for the next output frame (RGB uint8, output size); ``alpha`` keeps the
        subject out of a blurred background."""
        if self.mode == "blur":
            return blur_background(source_rgb, alpha=alpha)
        if self._still is not None:
            return self._still
        return self._next_video_frame()

    def _next_video_frame(self) -> np.ndarray:
        from .media.reader import VideoReader

        for _ in range(2):
            if self._frames is None:
                self._frames = iter(VideoReader(self._video))
            try:
                f = next(self._frames)
                own = self._video.video.orientation  # a phone video as background: upright first
                rgb = own.upright(f.rgb()) if own is not None and own.rectilinear else f.rgb()
                return self._coded(rgb)
            except StopIteration:  # loop a shorter background video
                self._frames = None
        raise MatteboxError("InvalidFile.Content", f"background video {self.spec} has no frames")

    def _coded(self, upright_rgb: np.ndarray) -> np.ndarray:
        """An upright picture scaled to cover the source as shown, in the source's coded layout."""
        if self._orientation is None:
            return _cover(upright_rgb, self.width, self.height)
        shown_w, shown_h = self._orientation.display_size(self.width, self.height)
        return np.ascontiguousarray(self._orientation.coded(_cover(upright_rgb, shown_w, shown_h)))

    def close(self) -> None:
        self._frames = None
