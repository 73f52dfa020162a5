"""The display matrix of an MP4/MOV file's first video track, read from its header boxes.

Probing a phone clip must find how it is turned; PyAV shows the matrix only on decoded frames, and
decoding a frame costs 10–20 ms at 1080p (80 ms at 4K) in every probe. ISO BMFF keeps it in two
fixed places: the movie header (``mvhd``) and the track header (``tkhd``); FFmpeg's MOV demuxer
shows their product (track × movie, in their fixed-point formats), and so does this module. It
reads box headers only, seeking over everything else, so a long clip's sample tables cost nothing.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO, Iterator

__all__ = ["NOT_ISOBMFF", "display_matrix"]

NOT_ISOBMFF = object()  # the file is not ISO BMFF, or its header could not be read: ask the decoder

_IDENTITY = (1 << 16, 0, 0, 0, 1 << 16, 0, 0, 0, 1 << 30)
_MAX_DEPTH_BOXES = 10_000  # a damaged file cannot keep the walk going forever


def _boxes(fh: BinaryIO, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """``(type, payload start, box end)`` of the boxes between ``start`` and ``end``."""
    pos, seen = start, 0
    while pos + 8 <= end and seen < _MAX_DEPTH_BOXES:
        fh.seek(pos)
        head = fh.read(8)
        if len(head) < 8:
            return
        size, kind = struct.unpack(">I4s", head)
        payload = pos + 8
        if size == 1:
            large = fh.read(8)
            if len(large) < 8:
                return
            size = struct.unpack(">Q", large)[0]
            payload = pos + 16
        elif size == 0:
            size = end - pos
        if size < payload - pos or pos + size > end:
            return
        yield kind, payload, pos + size
        pos += size
        seen += 1


def _child(fh: BinaryIO, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    for k, payload, box_end in _boxes(fh, start, end):
        if k == kind:
            return payload, box_end
    return None


def _matrix_at(fh: BinaryIO, payload: int, offsets: tuple[int, int]) -> tuple[int, ...] | None:
    """The 3×3 matrix of a full box (``mvhd``/``tkhd``) whose version picks one of ``offsets``."""
    fh.seek(payload)
    version = fh.read(1)
    if not version:
        return None
    fh.seek(payload + offsets[1 if version[0] == 1 else 0])
    raw = fh.read(36)
    return struct.unpack(">9i", raw) if len(raw) == 36 else None


def _product(track: tuple[int, ...], movie: tuple[int, ...]) -> tuple[int, ...]:
    """``track × movie`` with the third column's 2.30 fixed point (as FFmpeg's MOV demuxer combines them)."""
    shift = (16, 16, 30)
    return tuple(
        sum((track[i * 3 + e] * movie[e * 3 + j]) >> shift[e] for e in range(3)) for i in range(3) for j in range(3)
    )


def display_matrix(path: str | os.PathLike[str]) -> tuple[int, ...] | None | object:
    """The display matrix of the first video track (``None``: shown as coded), or :data:`NOT_ISOBMFF`."""
    try:
        with open(path, "rb") as fh:
            end = fh.seek(0, os.SEEK_END)
            moov = _child(fh, 0, end, b"moov")
            if moov is None:
                return NOT_ISOBMFF
            movie = _IDENTITY
            mvhd = _child(fh, *moov, b"mvhd")
            if mvhd is not None:  # version 0: 4 + 4·4 + 4 + 2 + 10 bytes before the matrix; version 1: 8-byte times
                movie = _matrix_at(fh, mvhd[0], (36, 48)) or _IDENTITY
            for kind, payload, box_end in _boxes(fh, *moov):
                if kind != b"trak" or not _is_video(fh, payload, box_end):
                    continue
                tkhd = _child(fh, payload, box_end, b"tkhd")
                if tkhd is None:
                    return NOT_ISOBMFF
                track = _matrix_at(fh, tkhd[0], (40, 52))  # after ids, duration, reserved, layer, group, volume
                if track is None:
                    return NOT_ISOBMFF
                combined = _product(track, movie)
                return None if combined == _IDENTITY else combined
            return NOT_ISOBMFF  # no video track found here: let the decoder tell
    except (OSError, struct.error, ValueError):
        return NOT_ISOBMFF


def _is_video(fh: BinaryIO, start: int, end: int) -> bool:
    mdia = _child(fh, start, end, b"mdia")
    hdlr = _child(fh, *mdia, b"hdlr") if mdia is not None else None
    if hdlr is None:
        return False
    fh.seek(hdlr[0] + 8)  # version/flags, pre_defined
    return fh.read(4) == b"vide"
