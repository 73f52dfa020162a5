"""Turn each (source frame, matte) pair into the pixels of an output and hand them to its encoder.

One :class:`OutputWriter` per requested output. ``matte`` writes the alpha alone; ``keyed`` the
foreground (the backend's despilled colour, or the source) with alpha, straight or premultiplied;
``composite`` the foreground over a background in linear light, with the source's audio.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .backend import MatteResult
from .background import Background
from .matte.composite import composite_over, premultiply
from .media.color import ColorInfo, ycbcr_to_rgb16
from .media.encoders import ImageSequenceEncoder, VideoFileEncoder
from .media.frame import Frame
from .media.planes import FramePool, bit_depth, gray_frame, rgb_frame, yuv_frame, yuv_frame_from_planes
from .media.probe import MediaInfo
from .outputs import OutputSpec

__all__ = ["OutputWriter"]

_MATTE_IN_LUMA = ColorInfo("bt709", full_range=False)


class OutputWriter:
    """Writes one output of a job.

    :param spec: the planned output.
    :param info: the source.
    :param time_base: the time base of the frames' ``pts`` (the reader's).
    :param duration: seconds of source audio to carry into composites (from the first frame written).
    :param token: a unique token for temporary names (the job id).
    :param first_frame: the source frame the output starts at (its timecode is the source's moved on by it).
    """

    def __init__(self, spec: OutputSpec, info: MediaInfo, time_base: Fraction, *, duration: float | None = None,
                 token: str | None = None, first_frame: int = 0) -> None:
        self.spec = spec
        self.info = info
        fmt = spec.format
        self._color = info.video.color
        self._background = (
            Background(spec.background, info.video.width, info.video.height, orientation=info.video.orientation)
            if spec.kind == "composite" else None
        )
        if spec.is_sequence:
            self._encoder = ImageSequenceEncoder(spec.path, start_number=spec.start_number, token=token,
                                                 orientation=info.video.orientation if spec.image_layout == "shown" else None)
        else:
            tag_color: ColorInfo | None = self._color
            if fmt.pix_fmt.startswith("gray"):
                tag_color = ColorInfo(self._color.matrix, full_range=True)
            elif spec.kind == "matte":  # a matte in luma is data: plain BT.709, whatever the source (HLG, PQ...)
                tag_color = _MATTE_IN_LUMA
            self._encoder = VideoFileEncoder(
                spec.path, container=fmt.container, codec=fmt.codec, pix_fmt=fmt.pix_fmt, options=dict(fmt.options),
                info=info, time_base=time_base, color=tag_color, token=token, picture=spec.kind != "matte",
                timecode=info.video.timecode.shifted(first_frame) if info.video.timecode is not None else None,
            )
            if fmt.audio and info.audio is not None:
                self._encoder.carry_audio(info, duration if duration is not None else info.video.duration)
        self.frames_written = 0
        self._pool = FramePool()

    def write(self, frame: Frame, result: MatteResult) -> None:
        """Encode the output pixels for ``frame``."""
        fmt = self.spec.format
        alpha = result.alpha
        kind = self.spec.kind
        planes = self._planes(frame, result) if kind != "matte" else None  # (y, cb, cr, depth)
        boxes = result.alpha_boxes
        if kind == "matte":
            out = gray_frame(alpha, fmt.pix_fmt, _MATTE_IN_LUMA, pool=self._pool, boxes=boxes)  # (gray formats: untagged)
        elif kind == "keyed" and planes is not None and fmt.codec != "png" and not self.spec.premultiply:
            # the backend's Y'CbCr foreground or the source's own planes: no R'G'B' round trip
            *ycbcr, depth = planes
            out = yuv_frame_from_planes(*ycbcr, fmt.pix_fmt, self._color, alpha, depth=depth, pool=self._pool,
                                        alpha_boxes=boxes)
        elif planes is not None and planes[3] > 8 and (fmt.codec == "png" or bit_depth(fmt.pix_fmt) > 8):
            # R'G'B' of a high-bit-depth foreground, into an output that keeps more than 8 bits: 16 bits, not 8
            *ycbcr, depth = planes
            fg16 = ycbcr_to_rgb16(*ycbcr, frame.color, depth)
            if kind == "keyed":
                rgb = premultiply(fg16, alpha) if self.spec.premultiply else fg16
                out = rgb_frame(rgb, alpha) if fmt.codec == "png" else yuv_frame(
                    rgb, fmt.pix_fmt, self._color, alpha, pool=self._pool, alpha_boxes=boxes
                )
            else:
                rgb = composite_over(fg16, alpha, self._background.frame_for(frame.rgb(), alpha))
                out = rgb_frame(rgb) if fmt.codec == "png" else yuv_frame(rgb, fmt.pix_fmt, self._color, pool=self._pool)
        else:
            fg = result.foreground_rgb(frame.color)
            if fg is None:
                fg = frame.rgb()
            if kind == "keyed":
                rgb = premultiply(fg, alpha) if self.spec.premultiply else fg
                out = rgb_frame(rgb, alpha) if fmt.codec == "png" else yuv_frame(
                    rgb, fmt.pix_fmt, self._color, alpha, pool=self._pool, alpha_boxes=boxes
                )
            else:
                bg = self._background.frame_for(frame.rgb(), alpha)
                rgb = composite_over(fg, alpha, bg)
                out = rgb_frame(rgb) if fmt.codec == "png" else yuv_frame(rgb, fmt.pix_fmt, self._color, pool=self._pool)
        if isinstance(self._encoder, ImageSequenceEncoder):
            self._encoder.write(out, frame.index)
        else:
            self._encoder.write(out, frame.pts)
        self.frames_written += 1

    @staticmethod
    def _planes(frame: Frame, result: MatteResult) -> tuple[np.ndarray, np.ndarray, np.ndarray, int] | None:
        """The foreground as Y'CbCr planes and their bit depth when it is available so, else ``None``.

        The source's own planes (any depth and subsampling) when the foreground is the source.
        """
        if result.foreground is not None and result.foreground_ycbcr is None:
            return None  # R'G'B' only
        if result.foreground_ycbcr is not None:
            return (*result.foreground_ycbcr, result.foreground_depth)
        return frame.source_planes()

    def close(self) -> dict:
        """Finish the output; returns its record for the job store."""
        path = self._encoder.close()
        if self._background is not None:
            self._background.close()
        record = self.spec.to_dict()
        record["path"] = path
        record["frames"] = self.frames_written
        if isinstance(self._encoder, ImageSequenceEncoder):
            record["first_number"] = self._encoder.first_number
        return record

    def abort(self) -> None:
        """Remove everything this output wrote."""
        self._encoder.abort()
        if self._background is not None:
            self._background.close()


def alpha_stats(alpha: np.ndarray) -> tuple[float, float]:
    """Mean alpha and the fraction of uncertain pixels (for logs and previews)."""
    return float(alpha.mean()), float(((alpha > 0.02) & (alpha < 0.98)).mean())
