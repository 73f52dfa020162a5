"""Carry a source's audio into an output, trimmed to the job's frame range and interleaved with video.

Packets are copied when the output container accepts the codec, else decoded and re-encoded (AAC,
or Opus for WebM). Trimming is at packet granularity (≈ 21 ms for AAC).
"""

from __future__ import annotations

import logging
from fractions import Fraction

import av

from .probe import MediaInfo

__all__ = ["AudioCarrier"]

log = logging.getLogger(__name__)


class AudioCarrier:
    """Reads the source's first audio stream and muxes it into ``container`` up to a given time.

    :param info: the probed source.
    :param container: the open output container (before its header is written).

    Call :meth:`set_window` with the source times of the job's first frame and just past its last
    before muxing.
    """

    def __init__(self, info: MediaInfo, container: av.container.OutputContainer) -> None:
        self.start, self.end = 0.0, float("inf")
        self._src = av.open(info.path)
        self._in = self._src.streams.audio[0]
        self._packets = self._src.demux(self._in)
        self._done = False
        self._transcoder = None
        try:
            self._out = container.add_stream_from_template(self._in)
        except (ValueError, av.error.FFmpegError):
            codec = "libopus" if container.format.name in ("webm",) else "aac"
            rate = 48000 if codec == "libopus" else (self._in.codec_context.sample_rate or 48000)
            self._out = container.add_stream(codec, rate=rate)
            try:
                self._out.codec_context.layout = self._in.codec_context.layout.name
            except Exception:  # pragma: no cover - layouts PyAV cannot name
                pass
            self._resampler = av.AudioResampler(format=self._out.codec_context.format or "fltp", layout=self._out.codec_context.layout, rate=rate)
            self._transcoder = True
            log.info("audio %s re-encoded as %s for %s", self._in.codec_context.name, codec, container.format.name)
        self._container = container
        self._tb = Fraction(self._in.time_base) if self._in.time_base else Fraction(1, 48000)
        self._offset = None

    def set_window(self, start: float, end: float) -> None:
        """Carry the audio between ``start`` and ``end`` (source seconds); ``start`` becomes time 0."""
        self.start, self.end = start, end

    def mux_until(self, t: float) -> None:
        """Mux every audio packet that starts before ``t`` seconds of *output* time."""
        while not self._done:
            packet = self._peek()
            if packet is None:
                return
            pt = float(packet.pts * self._tb) if packet.pts is not None else None
            if pt is not None and pt - self.start > t:
                return
            self._pending = None
            self._mux(packet, pt)

    def finish(self) -> None:
        """Mux the rest of the range, flush an encoder, and close the source."""
        self.mux_until(self.end - self.start + 1e-6)
        if self._transcoder:
            for p in self._out.encode(None):
                self._container.mux(p)
        self._src.close()

    def close(self) -> None:
        try:
            self._src.close()
        except Exception:  # pragma: no cover
            pass

    _pending = None

    def _peek(self):
        if self._pending is None:
            for packet in self._packets:
                if packet.size == 0 or packet.pts is None:
                    continue
                self._pending = packet
                break
            else:
                self._done = True
                return None
        return self._pending

    def _mux(self, packet: av.Packet, pt: float | None) -> None:
        if pt is None or pt < self.start - 1e-6 or pt >= self.end:
            if pt is not None and pt >= self.end:
                self._done = True
            return
        shift = int(round(self.start / self._tb))
        if not self._transcoder:
            packet.pts -= shift
            if packet.dts is not None:
                packet.dts -= shift
            packet.stream = self._out
            self._container.mux(packet)
            return
        for frame in packet.decode():
            frame.pts = None
            for rf in self._resampler.resample(frame):
                for p in self._out.encode(rf):
                    self._container.mux(p)
