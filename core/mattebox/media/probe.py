"""Probe a media file: container, video stream geometry, timing and colour, audio.

The frame count is taken from the demuxed packets, never from the container's header alone: AVI
headers in particular lie (``pedestrians_vtest.avi`` claims 682 frames at 50 fps and holds 341 at 25).
Every failure is a :class:`~mattebox.errors.MatteboxError` with the videoseg code the service would
answer for the same file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fractions import Fraction

from ..errors import MatteboxError
from .color import ColorInfo
from . import isobmff
from .orientation import Orientation, display_matrix_of
from .timecode import Timecode, timecode_of

__all__ = ["AudioInfo", "MediaInfo", "VideoInfo", "open_container", "probe"]


@dataclass(frozen=True)
class VideoInfo:
    """The first video stream of a file."""

    codec: str
    width: int
    height: int
    pix_fmt: str
    frame_rate: Fraction  # nominal rate (for VFR: the average)
    time_base: Fraction
    frame_count: int
    sample_aspect_ratio: Fraction
    color: ColorInfo
    vfr: bool = False
    start_pts: int | None = None
    stream_index: int = 0
    color_primaries: int = 0
    color_trc: int = 0
    pts_reliable: bool = True  # False: timestamps are synthesised from the frame index (AVI, raw streams)
    display_matrix: tuple[int, ...] | None = None  # how the clip is shown (phones: a quarter turn), if not as coded
    timecode: Timecode | None = None  # SMPTE timecode of the first frame (camera files), if it has one

    @property
    def orientation(self) -> Orientation | None:
        """How the clip is turned for display (``None``: shown as coded)."""
        return Orientation.from_matrix(self.display_matrix)

    @property
    def duration(self) -> float:
        """Nominal duration in seconds (frame count / frame rate)."""
        return float(self.frame_count / self.frame_rate) if self.frame_rate else 0.0


@dataclass(frozen=True)
class AudioInfo:
    codec: str
    sample_rate: int
    channels: int
    stream_index: int


@dataclass(frozen=True)
class MediaInfo:
    """What :func:`probe` found."""

    path: str
    format_name: str
    size_bytes: int
    video: VideoInfo
    audio: AudioInfo | None = None
    is_sequence: bool = False
    extra: dict = field(default_factory=dict)

    def describe(self) -> str:
        v = self.video
        rate = f"{float(v.frame_rate):.3f}".rstrip("0").rstrip(".")
        return (
            f"{os.path.basename(self.path)}: {v.width}x{v.height} {v.codec} {v.pix_fmt}, {v.frame_count} frames @ {rate} fps"
            + (" (VFR)" if v.vfr else "")
            + (f", {v.orientation.describe()}" if v.orientation else "")
            + (f", timecode {v.timecode}" if v.timecode else "")
            + (f", audio {self.audio.codec}" if self.audio else "")
        )


def open_container(path: str):
    """``av.open(path)`` with failures turned into videoseg errors."""
    import av

    if not os.path.exists(path):
        raise MatteboxError("InvalidFile.Download", f"{path}: no such file", hint="check the path")
    if os.path.isdir(path):
        raise MatteboxError("InvalidFile.Type", f"{path} is a folder, not a video file")
    if not os.access(path, os.R_OK):
        raise MatteboxError("InvalidFile.Download", f"{path}: permission denied", hint="check the file's permissions")
    if os.path.getsize(path) == 0:
        raise MatteboxError("InvalidFile.Content", f"{os.path.basename(path)} is empty (0 bytes)")
    try:
        try:
            return av.open(path, metadata_errors="ignore")  # PyAV < 19: tags in odd encodings must not fail a job
        except TypeError:  # PyAV 19 dropped the option (and no longer fails on such tags)
            return av.open(path)
    except av.error.InvalidDataError:
        name = os.path.basename(path)
        kind = _sniff_container(path)
        if kind:
            raise MatteboxError("InvalidFile.Decode", f"{name} is a damaged or truncated {kind} file (FFmpeg cannot read its structure)") from None
        raise MatteboxError("InvalidFile.Type", f"{name} is not a video file (no container FFmpeg knows)") from None
    except av.error.EOFError:
        raise MatteboxError("InvalidFile.Content", f"{os.path.basename(path)} ends right after its header: it holds no frames") from None
    except av.error.FFmpegError as exc:
        raise MatteboxError("InvalidFile.Decode", f"{os.path.basename(path)}: cannot open ({exc.strerror or exc})") from None


_MAGIC = ((4, b"ftyp", "MP4/MOV"), (4, b"moov", "MOV"), (4, b"mdat", "MOV"), (4, b"wide", "MOV"), (0, b"RIFF", "AVI"),
          (0, b"\x1a\x45\xdf\xa3", "Matroska/WebM"), (0, b"FLV", "FLV"), (0, b"\x00\x00\x01\xba", "MPEG-PS"))


def _sniff_container(path: str) -> str | None:
    """The container a file's first bytes announce (to tell "damaged video" from "not a video")."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return None
    for offset, magic, kind in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return kind
    return None


def _rate_of(stream) -> Fraction:
    for candidate in (getattr(stream.codec_context, "framerate", None), stream.guessed_rate, stream.average_rate, stream.base_rate):
        if candidate:
            rate = Fraction(candidate)
            if 0 < rate <= 1000:
                return rate
    return Fraction(25)


def probe(path: str) -> MediaInfo:
    """Probe ``path``; raise a :class:`MatteboxError` if it holds no decodable video.

    Reads every video packet once (no decoding) to count frames and detect variable frame rate.
    """
    import av

    path = os.fspath(path)
    size = os.path.getsize(path) if os.path.isfile(path) else 0
    name = os.path.basename(path)
    with open_container(path) as container:
        if not container.streams.video:
            kind = "audio only" if container.streams.audio else "no video stream"
            raise MatteboxError("InvalidFile.Type", f"{name} has no video stream ({kind})", hint="give a file with video")
        stream = container.streams.video[0]
        ctx = stream.codec_context
        if ctx is None or ctx.codec is None or not getattr(ctx, "name", None):
            tag = getattr(stream, "codec_tag", "") or "unknown"
            raise MatteboxError(
                "InvalidFile.Decode", f"{name}: its video codec ({tag}) is not one this FFmpeg build can decode",
                hint="re-export the clip as H.264, HEVC, ProRes or DNxHR",
            )
        if not ctx.width or not ctx.height:
            raise MatteboxError("InvalidFile.Decode", f"{name}: the video stream has no picture size (damaged header?)")
        audio = None
        if container.streams.audio and container.streams.audio[0].codec_context is not None:
            a = container.streams.audio[0]
            audio = AudioInfo(a.codec_context.name, int(a.codec_context.sample_rate or 0), int(a.codec_context.channels or 0), a.index)
        pts: list[int] = []
        count = 0
        matrix_probe = _DisplayMatrixProbe(stream, path, container.format.name)
        try:
            for packet in container.demux(stream):
                if packet.size == 0:  # the flush packet at the end, not a frame
                    continue
                count += 1
                if packet.pts is not None:
                    pts.append(int(packet.pts))
                matrix_probe.feed(packet)
        except av.error.FFmpegError:
            pass  # a truncated tail: the reader reports it precisely when decoding
        matrix_probe.flush(stream)
        rate = _rate_of(stream)
        tb = Fraction(stream.time_base) if stream.time_base else Fraction(1, 90000)
        vfr = _is_vfr(pts, rate, tb)
        sar_raw = stream.sample_aspect_ratio or ctx.sample_aspect_ratio
        sar = Fraction(sar_raw) if sar_raw else Fraction(1)
        if vfr and pts:
            span = (max(pts) - min(pts)) * tb
            if span > 0 and count > 1:
                rate = Fraction(count - 1) / Fraction(span)
                rate = rate.limit_denominator(1001)
        info = VideoInfo(
            codec=ctx.name,
            width=int(ctx.width),
            height=int(ctx.height),
            pix_fmt=str(ctx.pix_fmt or "unknown"),
            frame_rate=rate,
            time_base=tb,
            frame_count=count,
            sample_aspect_ratio=sar if sar > 0 else Fraction(1),
            color=ColorInfo.from_av(getattr(ctx, "colorspace", 0), getattr(ctx, "color_range", 0), int(ctx.height)),
            vfr=vfr,
            start_pts=min(pts) if pts else None,
            stream_index=stream.index,
            color_primaries=int(getattr(ctx, "color_primaries", 0) or 0),
            color_trc=int(getattr(ctx, "color_trc", 0) or 0),
            display_matrix=matrix_probe.matrix if Orientation.from_matrix(matrix_probe.matrix) else None,
            timecode=timecode_of(dict(stream.metadata), [dict(s.metadata) for s in container.streams if s.type == "data"]
                                 + [dict(container.metadata)], rate),
        )
        fmt = container.format.name
        if not _container_has_reliable_pts(fmt) or len(set(pts)) < count:  # missing or repeated stamps
            info = _replace(info, pts_reliable=False, vfr=False)
    if count == 0:
        raise MatteboxError("InvalidFile.Content", f"{name} has a video stream with no frames")
    return MediaInfo(path=path, format_name=fmt, size_bytes=size, video=info, audio=audio)


class _DisplayMatrixProbe:
    """Finds the display matrix: from the header boxes of MP4/MOV (what phones write), else from the
    first decoded frame (Matroska/WebM; FFmpeg copies the container's matrix onto every frame, and
    PyAV reads it only there). Containers that carry none are not decoded.
    """

    _MAX_PACKETS = 32  # a decoder with reordering delay answers within a few packets

    def __init__(self, stream, path: str, format_name: str) -> None:
        self.matrix: tuple[int, ...] | None = None
        self._packets = 0
        self._done = True
        names = set(format_name.split(","))
        if names & {"mov", "mp4"}:
            found = isobmff.display_matrix(path)
            if found is not isobmff.NOT_ISOBMFF:
                self.matrix = found  # type: ignore[assignment]
                return
            self._done = False
        elif names & {"matroska", "webm"}:
            self._done = False
        if not self._done:
            try:  # one frame wanted: no frame threads to start and fill
                stream.codec_context.thread_count = 1
            except (AttributeError, ValueError, TypeError):
                pass

    def feed(self, packet) -> None:
        if self._done:
            return
        self._packets += 1
        self._take(packet.decode)
        self._done = self._done or self._packets >= self._MAX_PACKETS

    def flush(self, stream) -> None:
        """After the last packet: a short clip's first frame may still be in the decoder."""
        if not self._done and self._packets:
            self._take(lambda: stream.codec_context.decode(None))
        self._done = True

    def _take(self, decode) -> None:
        try:
            frames = decode()
        except Exception:  # noqa: BLE001 - an undecodable start is the reader's to report, not probe's
            return
        for frame in frames:
            self.matrix = display_matrix_of(frame)
            self._done = True
            return


def _replace(info: VideoInfo, **changes) -> VideoInfo:
    from dataclasses import replace

    return replace(info, **changes)


# Containers whose packets carry presentation timestamps a decoder can trust. AVI stores none
# (FFmpeg derives decode-order stamps that come out of a B-frame decoder shuffled).
_PTS_CONTAINERS = ("mov", "mp4", "m4a", "3gp", "matroska", "webm", "mpegts", "flv", "mxf", "nut", "ogg", "mpeg")


def _container_has_reliable_pts(format_name: str) -> bool:
    return any(name in _PTS_CONTAINERS for name in format_name.split(","))


def _is_vfr(pts: list[int], rate: Fraction, tb: Fraction) -> bool:
    """True when the frame durations differ by more than one tick and more than 2% of a frame."""
    if len(pts) < 3:
        return False
    ordered = sorted(set(pts))
    deltas = [b - a for a, b in zip(ordered, ordered[1:])]
    if len(deltas) < 2:
        return False
    expected = float(1 / (rate * tb)) if rate and tb else 0
    tol = max(1.0, 0.02 * expected)
    lo, hi = min(deltas), max(deltas)
    return hi - lo > tol
