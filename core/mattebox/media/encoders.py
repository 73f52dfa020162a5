"""Encoders that write a job's output atomically: to a temporary name, renamed only when complete.

A failed or cancelled job never leaves anything that looks like a finished output. Video files keep
the source's time base and each frame's own timestamp (relative to the first frame written), so VFR
timing, 23.976/29.97 rates and frame counts survive; the sample aspect ratio, colour tags and the
display matrix (a phone clip's rotation) are copied too.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import uuid
from fractions import Fraction

import av
import numpy as np

from ..errors import MatteboxError
from .color import ColorInfo
from .orientation import Orientation
from .probe import MediaInfo
from .timecode import Timecode

__all__ = ["ImageSequenceEncoder", "VideoFileEncoder", "check_orientation_writable", "output_error"]

log = logging.getLogger(__name__)


def output_error(exc: BaseException, path: str) -> MatteboxError:
    """Turn an OS/FFmpeg write error into the right code (disk full vs. unwritable)."""
    err = getattr(exc, "errno", None)
    if err == errno.ENOSPC or "No space left" in str(exc):
        return MatteboxError("InvalidOutput.DiskFull", f"no space left while writing {path}")
    if err in (errno.EACCES, errno.EPERM, errno.EROFS):
        return MatteboxError("InvalidOutput.Path", f"cannot write {path}: permission denied")
    return MatteboxError("InvalidOutput.Path", f"cannot write {path}: {getattr(exc, 'strerror', None) or exc}")


# transfer characteristic of a matrix's standard, for untagged sources (AVColorSpace → AVColorTransferCharacteristic):
# BT.709 → BT.709, BT.601 (625 and 525 lines) → SMPTE 170M, BT.2020 → BT.2020 10-bit
_TRC_OF_MATRIX = {1: 1, 5: 6, 6: 6, 9: 14}

# PyAV 17.1 added writing a stream's display matrix (17.0 and older cannot)
WRITES_DISPLAY_MATRIX = hasattr(av.video.stream.VideoStream, "set_display_matrix")


def check_orientation_writable(info: MediaInfo, path: str) -> None:
    """Raise when ``info``'s clip is shown turned (a display matrix) and this PyAV cannot write that
    matrix into the video file ``path``: the output would be shown differently from its source.

    Image sequences need no check: they carry no matrix (they are written as the clip is shown, or
    as coded on request).
    """
    orientation = info.video.orientation
    if orientation is None or WRITES_DISPLAY_MATRIX:
        return
    raise MatteboxError(
        "InvalidParameter",
        f"{os.path.basename(info.path)} is {orientation.describe()}; writing that into "
        f"{os.path.basename(path)} needs PyAV 17.1 or newer (this is PyAV {av.__version__})",
        hint="upgrade PyAV (`pip install -U av`), or write a PNG sequence "
             "(written as the clip is shown)",
    )


def _temp_name(path: str, token: str) -> str:
    folder, name = os.path.split(path)
    stem, ext = os.path.splitext(name)
    return os.path.join(folder, f".{stem}.{token}.partial{ext}")


class VideoFileEncoder:
    """Encodes frames into one video file.

    :param path: the final path.
    :param container: FFmpeg muxer name.
    :param codec: encoder name; ``pix_fmt`` its input format; ``options`` encoder options.
    :param info: the source (size, rate, time base, aspect, colour are copied from it).
    :param time_base: the time base of the frames' ``pts``.
    :param color: colour tags to write (video range/matrix of the source, or full range for gray).
    :param picture: the frames are a picture (keyed, composite): a Y'CbCr output keeps the source's
        primaries and transfer; ``False`` (a matte in luma) tags those of ``color``'s matrix.
    :param timecode: the start timecode to write (the source's at the first frame written), if any.
    """

    def __init__(self, path: str, *, container: str, codec: str, pix_fmt: str, options: dict[str, str],
                 info: MediaInfo, time_base: Fraction, color: ColorInfo | None, token: str | None = None,
                 picture: bool = True, timecode: Timecode | None = None) -> None:
        self.path = path
        self.temp = _temp_name(path, token or uuid.uuid4().hex[:8])
        self._time_base = time_base
        self._first_pts: int | None = None
        self._frame_tags: tuple[int, int] | None = None  # (primaries, transfer) stamped on every frame
        self._audio = None
        self._audio_duration = 0.0
        # reader pts are either the container's (absolute) or frame indices (AVI: audio starts at 0)
        self._time_origin = 0.0
        v = info.video
        check_orientation_writable(info, path)
        try:
            self._out = av.open(self.temp, "w", format=container)
        except (OSError, av.error.FFmpegError) as exc:
            raise output_error(exc, path) from None
        try:
            stream = self._out.add_stream(codec, rate=v.frame_rate if v.frame_rate else Fraction(25))
            stream.width, stream.height = v.width, v.height
            stream.pix_fmt = pix_fmt
            stream.time_base = time_base
            stream.codec_context.time_base = time_base
            stream.thread_type = "AUTO"
            if v.sample_aspect_ratio and v.sample_aspect_ratio != 1:
                stream.codec_context.sample_aspect_ratio = v.sample_aspect_ratio
                stream.sample_aspect_ratio = v.sample_aspect_ratio
            if color is not None:
                cc = stream.codec_context
                cc.colorspace = color.av_colorspace
                cc.color_range = color.av_color_range
                if pix_fmt.startswith("yuv"):
                    # the source's own tags (an HLG or PQ phone clip stays HDR); untagged, or a matte (data,
                    # not picture): those of the tagged matrix
                    cc.color_primaries = (v.color_primaries if picture else 0) or color.av_colorspace  # (numbers coincide)
                    cc.color_trc = (v.color_trc if picture else 0) or _TRC_OF_MATRIX.get(color.av_colorspace, 2)
                    # ProRes (and any encoder that reads them per frame) takes these from each frame
                    self._frame_tags = (cc.color_primaries, cc.color_trc)
            if v.display_matrix is not None:  # shown as the source is (its coded pixels are kept)
                stream.set_display_matrix(list(v.display_matrix))
            if timecode is not None:  # a QuickTime/MP4 timecode track, a Matroska tag
                stream.metadata["timecode"] = str(timecode)
            stream.options = dict(options)
            self._stream = stream
        except Exception:
            self._out.close()
            self._remove_temp()
            raise

    def carry_audio(self, info: MediaInfo, duration: float) -> None:
        """Mux the source's audio alongside the video: ``duration`` seconds from the first frame written.

        The audio stream is added now (before the header); its trim window is fixed by the first
        frame's own timestamp, so frame ranges and VFR sources stay in sync.
        """
        from .audio import AudioCarrier

        if info.audio is None:
            return
        try:
            self._audio = AudioCarrier(info, self._out)
            self._audio_duration = duration
        except (av.error.FFmpegError, ValueError) as exc:
            log.warning("the source's audio cannot be carried into %s (%s); writing video only", os.path.basename(self.path), exc)
            self._audio = None

    def write(self, frame: av.VideoFrame, pts: int) -> None:
        """Encode ``frame`` at source timestamp ``pts`` (in the encoder's time base)."""
        if self._first_pts is None:
            self._first_pts = pts
            if self._audio is not None:
                start = float(pts * self._time_base) + self._time_origin
                self._audio.set_window(start, start + self._audio_duration)
        frame.pts = pts - self._first_pts
        frame.time_base = self._time_base
        if self._frame_tags is not None:
            frame.color_primaries, frame.color_trc = self._frame_tags
        try:
            if self._audio is not None:
                self._audio.mux_until(float(frame.pts * self._time_base))
            for packet in self._stream.encode(frame):
                self._out.mux(packet)
        except (OSError, av.error.FFmpegError) as exc:
            raise output_error(exc, self.path) from None

    def close(self) -> str:
        """Flush, close and rename into place; returns the final path."""
        try:
            for packet in self._stream.encode(None):
                self._out.mux(packet)
            if self._audio is not None:
                self._audio.finish()
            self._out.close()
            os.replace(self.temp, self.path)
        except (OSError, av.error.FFmpegError) as exc:
            self.abort()
            raise output_error(exc, self.path) from None
        return self.path

    def abort(self) -> None:
        """Drop everything written so far."""
        for closer in (getattr(self._audio, "close", None), self._out.close):
            try:
                if closer:
                    closer()
            except Exception:  # closing a broken muxer may fail again; the temp file goes anyway
                pass
        self._remove_temp()

    def _remove_temp(self) -> None:
        try:
            os.remove(self.temp)
        except FileNotFoundError:
            pass


class ImageSequenceEncoder:
    """Writes one PNG per frame into a hidden temporary folder; on success, moves them into place.

    :param pattern: the final ``%0Nd`` pattern.
    :param start_number: the number of the first file; ``None`` numbers files by source frame index.
    :param orientation: how the source is turned for display: images have no display matrix, so they
        are written as the clip is shown (as a video output, which carries the matrix, is shown).
    """

    def __init__(self, pattern: str, *, start_number: int | None, token: str | None = None,
                 orientation: Orientation | None = None) -> None:
        self.pattern = pattern
        self.start_number = start_number
        self._orientation = orientation if orientation is not None and orientation.rectilinear else None
        folder, name = os.path.split(pattern)
        self.temp_dir = os.path.join(folder, f".{name.replace('%', '')}.{token or uuid.uuid4().hex[:8]}.partial")
        try:
            os.makedirs(self.temp_dir, exist_ok=False)
        except OSError as exc:
            raise output_error(exc, pattern) from None
        self._names: list[tuple[str, str]] = []
        self._first_index: int | None = None
        self._codec = None

    def write(self, frame: av.VideoFrame, index: int) -> None:
        """Write ``frame`` as the file for source frame ``index``."""
        if self._first_index is None:
            self._first_index = index
        number = index if self.start_number is None else self.start_number + (index - self._first_index)
        final = self.pattern % number
        temp = os.path.join(self.temp_dir, os.path.basename(final))
        if self._orientation is not None:
            frame = _as_shown(frame, self._orientation)
        try:
            with open(temp, "wb") as fh:
                fh.write(_encode_png(frame))
        except OSError as exc:
            raise output_error(exc, final) from None
        self._names.append((temp, final))

    def close(self) -> str:
        """Move every file into place; returns the pattern."""
        try:
            for temp, final in self._names:
                os.replace(temp, final)
            os.rmdir(self.temp_dir)
        except OSError as exc:
            self.abort()
            raise output_error(exc, self.pattern) from None
        return self.pattern

    @property
    def first_number(self) -> int | None:
        if self._first_index is None:
            return None
        return self._first_index if self.start_number is None else self.start_number

    def abort(self) -> None:
        shutil.rmtree(self.temp_dir, ignore_errors=True)


def _as_shown(frame: av.VideoFrame, orientation: Orientation) -> av.VideoFrame:
    """A packed (gray or RGB[A]) frame turned as its source is shown on screen."""
    shown = av.VideoFrame.from_ndarray(np.ascontiguousarray(orientation.upright(frame.to_ndarray())), format=frame.format.name)
    shown.color_range = frame.color_range
    return shown


def _encode_png(frame: av.VideoFrame) -> bytes:
    ctx = av.CodecContext.create("png", "w")
    ctx.width, ctx.height, ctx.pix_fmt = frame.width, frame.height, frame.format.name
    ctx.options = {"compression_level": "3"}
    packets = ctx.encode(frame) + ctx.encode(None)
    return b"".join(bytes(p) for p in packets)
