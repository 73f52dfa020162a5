"""Image evaluation for the ``nuke`` stand-in: what a node outputs at a frame, and Write rendering.

Images are RGBA float32 in 0..1. Supported classes: Read (movies through PyAV, where Nuke frame
``f`` is movie frame ``f - origfirst``; image sequences with ``%04d``/``####`` patterns), Grade,
Copy (input 0 is B, input 1 is A: ``to0 = A.from0``), Premult, Dot/NoOp, Group (its Output node),
Input (the group's matching input), Output, and Write (pass-through). Any other class raises, so a
test never silently evaluates a graph the stand-in does not understand.
"""

from __future__ import annotations

import os
import re
from fractions import Fraction

import av
import cv2
import numpy as np

CHANNELS = {"rgba.red": 0, "rgba.green": 1, "rgba.blue": 2, "rgba.alpha": 3}
MOVIE_EXTENSIONS = (".mov", ".mp4", ".mkv", ".avi", ".mxf", ".webm", ".m4v")


class _Movie:
    """Sequential decoding with a small cache (test clips are read front to back, a frame at a time)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.mtime = os.path.getmtime(path)
        self.cache: dict[int, np.ndarray] = {}
        self._restart()

    def _restart(self) -> None:
        self.container = av.open(self.path)
        self.frames = self.container.decode(self.container.streams.video[0])
        self.next_index = 0

    def get(self, index: int) -> np.ndarray | None:
        if index in self.cache:
            return self.cache[index]
        if index < self.next_index:
            self.container.close()
            self._restart()
        for f in self.frames:
            i = self.next_index
            self.next_index += 1
            if i == index:
                has_alpha = "a" in f.format.name.replace("gray", "")
                rgba = f.to_ndarray(format="rgba64le" if has_alpha else "rgb48le").astype(np.float32) / 65535.0
                if not has_alpha:
                    rgba = np.concatenate([rgba, np.ones(rgba.shape[:2] + (1,), np.float32)], axis=-1)
                if len(self.cache) > 8:
                    self.cache.pop(next(iter(self.cache)))
                self.cache[index] = rgba
                return rgba
        return None


_movies: dict[str, _Movie] = {}


def _movie_frame(path: str, index: int) -> np.ndarray | None:
    movie = _movies.get(path)
    if movie is None or movie.mtime != os.path.getmtime(path):
        movie = _movies[path] = _Movie(path)
    return movie.get(index)


def _sequence_path(pattern: str, frame: int) -> str:
    pattern = re.sub(r"#+", lambda m: f"%0{len(m.group(0))}d", pattern)
    return pattern % frame


def _read_image(path: str) -> np.ndarray:
    img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if img is None:
        raise RuntimeError(f"Read error: {path}: no such file or not an image")
    scale = 65535.0 if img.dtype == np.uint16 else 255.0
    img = img.astype(np.float32) / scale
    if img.ndim == 2:
        return np.stack([img, img, img, np.ones_like(img)], axis=-1)
    if img.shape[2] == 3:
        return np.concatenate([img[..., ::-1], np.ones(img.shape[:2] + (1,), np.float32)], axis=-1)
    return np.concatenate([img[..., 2::-1], img[..., 3:]], axis=-1)


def _clamp_frame(node, frame: int) -> int | None:
    first, last = node["first"].value(), node["last"].value()
    if frame < first:
        return None if node["before"].value() == "black" else first
    if frame > last:
        return None if node["after"].value() == "black" else last
    return frame


def _read(node, frame: int) -> np.ndarray:
    path = node["file"].value()
    f = _clamp_frame(node, frame)
    if f is None:  # before/after = black: a transparent frame of the first frame's size
        shape = _read(node, node["first"].value()).shape
        return np.zeros(shape, np.float32)
    if path.lower().endswith(MOVIE_EXTENSIONS):
        index = f - node["origfirst"].value()
        img = _movie_frame(path, index) if index >= 0 else None
        if img is None:
            raise RuntimeError(f"Read error: {path}: frame {f} is outside the movie (origfirst {node['origfirst'].value()})")
        return img.copy()
    return _read_image(_sequence_path(path, f))


def render(node, frame: int) -> np.ndarray:
    """RGBA float32 of ``node`` at ``frame``."""
    cls = node.Class()
    if cls == "Read":
        return _read(node, frame)
    if cls in ("Dot", "NoOp", "Output", "Write"):
        return _upstream(node, 0, frame)
    if cls == "Group":
        out = next((c for c in node.nodes() if c.Class() == "Output"), None)
        if out is None:
            raise RuntimeError(f"{node.name()}: the group has no Output node")
        return render(out, frame)
    if cls == "Input":
        group = node._parent
        upstream = group.input(node["number"].value())
        if upstream is None:
            raise RuntimeError(f"{group.name()}: input {node['number'].value()} is not connected")
        return render(upstream, frame)
    if cls == "Grade":
        img = _upstream(node, 0, frame)
        img[..., :3] = img[..., :3] * node["white"].value() + node["add"].value()
        return img
    if cls == "Copy":
        b = _upstream(node, 0, frame)
        a = _upstream(node, 1, frame)
        for i in (0, 1):
            src, dst = node[f"from{i}"].value(), node[f"to{i}"].value()
            if src != "none" and dst != "none":
                b[..., CHANNELS[dst]] = a[..., CHANNELS[src]]
        return b
    if cls == "Premult":
        img = _upstream(node, 0, frame)
        img[..., :3] *= img[..., CHANNELS[node["alpha"].value()]][..., None]
        return img
    raise RuntimeError(f"the nuke stand-in cannot evaluate a {cls} node")


def _upstream(node, i: int, frame: int) -> np.ndarray:
    up = node.input(i)
    if up is None:
        raise RuntimeError(f"{node.name()}: input {i} is not connected")
    return render(up, frame)


def write_frames(write, first: int, last: int, incr: int = 1) -> None:
    """Render ``first``..``last`` through ``write`` into its file (movie or image sequence)."""
    path = write["file"].value()
    file_type = write["file_type"].value().strip() or os.path.splitext(path)[1].lstrip(".").lower()
    frames = range(first, last + 1, incr)
    if file_type == "mov":
        import nuke

        codec = write["mov64_codec"].value()
        alpha = codec == "ap4h" and write["channels"].value() == "rgba"
        fps = Fraction(nuke.root()["fps"].value()).limit_denominator(1001)
        tmp = path + ".partial.mov"
        with av.open(tmp, "w", format="mov") as out:
            stream = out.add_stream("prores_ks", rate=fps)
            stream.options = {"profile": "4" if codec == "ap4h" else "3"}
            stream.pix_fmt = "yuva444p10le" if alpha else "yuv422p10le"
            for f in frames:
                img = render(write, f)
                if stream.width == 0 or not stream.width:
                    stream.width, stream.height = img.shape[1], img.shape[0]
                data = (np.clip(img if alpha else img[..., :3], 0, 1) * 65535).round().astype(np.uint16)
                frame = av.VideoFrame.from_ndarray(data, format="rgba64le" if alpha else "rgb48le")
                for packet in stream.encode(frame):
                    out.mux(packet)
            for packet in stream.encode(None):
                out.mux(packet)
        os.replace(tmp, path)
        return
    if file_type == "png":
        sixteen = write["datatype"].value() == "16 bit"
        for f in frames:
            img = np.clip(render(write, f), 0, 1)
            rgba = write["channels"].value() == "rgba"
            data = img[..., [2, 1, 0, 3]] if rgba else img[..., 2::-1]
            data = (data * (65535 if sixteen else 255)).round().astype(np.uint16 if sixteen else np.uint8)
            cv2.imwrite(_sequence_path(path, f), data)
        return
    raise RuntimeError(f"the nuke stand-in cannot write {file_type!r} files")
