"""Writing what gets uploaded: frame-exact H.264 chunks of a source range, or an MP4 remux.

A chunk is decoded with the core's frame-exact reader (so chunk boundaries fall on exactly the
planned source frames, whatever the GOP structure) and encoded at constant frame rate with high
quality; a byte limit caps the bitrate so the chunk stays under the action's size limit.
"""

from __future__ import annotations

import os
from fractions import Fraction
from typing import Callable

from mattebox.errors import CancelledError, MatteboxError
from mattebox.media.probe import MediaInfo
from mattebox.media.reader import FrameRange, VideoReader

__all__ = ["remux_to_mp4", "write_chunk"]


def write_chunk(info: MediaInfo, first: int, last: int, out_path: str, *, size: tuple[int, int] | None = None,
                max_bytes: int | None = None, cancelled: Callable[[], bool] = lambda: False,
                progress: Callable[[float], None] | None = None) -> int:
    """Encode source frames ``first..last`` to ``out_path`` (H.264 MP4); returns the frames written.

    :param progress: called with the fraction done every 50 frames (keeps the job's heartbeat alive).
    """
    import av

    v = info.video
    rate = v.frame_rate if v.frame_rate else Fraction(25)
    width, height = size or (v.width - v.width % 2, v.height - v.height % 2)
    count = last - first + 1
    options = {"preset": "veryfast", "crf": "14"}
    if max_bytes:
        seconds = max(count / float(rate), 0.04)
        # the average rate plus one second of encoder buffer fits the budget on any chunk of a few seconds or more
        kbps = int(0.8 * max_bytes * 8 / (seconds + 1.0) / 1000)
        if kbps < 100_000:  # above 100 Mbit/s the cap cannot bind at this quality (and x264 refuses huge values)
            options.update({"maxrate": f"{kbps}k", "bufsize": f"{kbps}k"})
    tmp = out_path + ".tmp.mp4"
    written = 0
    try:
        with av.open(tmp, "w", format="mp4") as out:
            stream = out.add_stream("libx264", rate=rate)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            time_base = 1 / rate  # kept: the muxer changes stream.time_base once it writes the header
            stream.time_base = time_base
            stream.codec_context.time_base = time_base
            stream.options = options
            for frame in VideoReader(info, FrameRange(first, last)):
                if written % 50 == 0:
                    if cancelled():
                        raise CancelledError()
                    if progress is not None:
                        progress(written / count)
                picture = frame.av_frame.reformat(width=width, height=height, format="yuv420p")
                picture.pts = written
                picture.time_base = time_base
                picture.pict_type = 0  # a decoded frame keeps its picture type, which the encoder would obey
                for packet in stream.encode(picture):
                    out.mux(packet)
                written += 1
            for packet in stream.encode(None):
                out.mux(packet)
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    if written != count:
        raise MatteboxError("InvalidFile.Decode", f"{os.path.basename(info.path)}: wrote {written} of {count} frames of a chunk")
    return written


def remux_to_mp4(info: MediaInfo, out_path: str) -> None:
    """Copy the video stream's packets into an MP4 (no re-encoding; audio is not needed)."""
    import av

    tmp = out_path + ".tmp.mp4"
    try:
        with av.open(info.path) as src, av.open(tmp, "w", format="mp4") as out:
            ins = src.streams.video[0]
            outs = out.add_stream_from_template(ins)
            for packet in src.demux(ins):
                if packet.size == 0:  # the demuxer's flush packet, not data
                    continue
                packet.stream = outs
                out.mux(packet)
        os.replace(tmp, out_path)
    except av.error.FFmpegError as exc:
        raise MatteboxError("InvalidFile.Decode", f"{os.path.basename(info.path)}: cannot remux into MP4 ({exc})",
                            hint="the codec does not fit an MP4; --fit re-encodes it instead") from None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
