"""Output kinds and formats: what ``--output matte|keyed|composite`` writes for each path.

Planning an output checks it before any work: a known extension for the kind, an existing and
writable folder, no existing file to clobber unless asked. The table below is the single place that
maps (kind, extension) to container, codec and pixel format.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import MatteboxError

__all__ = ["FORMATS", "OutputKind", "OutputSpec", "describe_formats", "is_sequence_pattern", "plan_output"]

OutputKind = str  # "matte" | "keyed" | "composite"
KINDS = ("matte", "keyed", "composite")


@dataclass(frozen=True)
class Format:
    """How one (kind, extension) pair is encoded."""

    container: str | None  # FFmpeg muxer; None for image sequences
    codec: str
    pix_fmt: str
    label: str
    options: tuple[tuple[str, str], ...] = ()
    audio: bool = False  # carries the source's audio (composites only)


FORMATS: dict[tuple[str, str], Format] = {
    ("matte", "png"): Format(None, "png", "gray16be", "PNG sequence, 16-bit gray"),
    ("matte", "mkv"): Format("matroska", "ffv1", "gray", "FFV1 gray (lossless)", (("level", "3"), ("slicecrc", "0"))),
    ("matte", "mov"): Format("mov", "prores_ks", "yuv422p10le", "ProRes 422 HQ (matte in luma)", (("profile", "3"),)),
    ("matte", "mp4"): Format("mp4", "libx264", "yuv420p", "H.264 preview (matte in luma)", (("preset", "fast"), ("crf", "12"))),
    ("keyed", "mov"): Format("mov", "prores_ks", "yuva444p10le", "ProRes 4444 with alpha", (("profile", "4"),)),
    ("keyed", "png"): Format(None, "png", "rgba", "PNG sequence, RGBA"),
    ("keyed", "webm"): Format("webm", "libvpx-vp9", "yuva420p", "WebM VP9 with alpha", (("crf", "24"), ("b", "0"), ("row-mt", "1"), ("deadline", "good"), ("cpu-used", "4"))),
    ("composite", "mp4"): Format("mp4", "libx264", "yuv420p", "H.264", (("preset", "medium"), ("crf", "16")), True),
    ("composite", "mov"): Format("mov", "prores_ks", "yuv422p10le", "ProRes 422 HQ", (("profile", "3"),), True),
    ("composite", "mkv"): Format("matroska", "libx264", "yuv420p", "H.264 in Matroska", (("preset", "medium"), ("crf", "16")), True),
    ("composite", "webm"): Format("webm", "libvpx-vp9", "yuv420p", "WebM VP9", (("crf", "28"), ("b", "0"), ("row-mt", "1"), ("deadline", "good"), ("cpu-used", "4")), True),
    ("composite", "png"): Format(None, "png", "rgb24", "PNG sequence, RGB"),
}

_PATTERN = re.compile(r"%0?\d*d|#+")


def is_sequence_pattern(path: str) -> bool:
    """True for image-sequence patterns such as ``matte_%04d.png`` or ``matte_####.png``."""
    return bool(_PATTERN.search(os.path.basename(path)))


def _normalise_pattern(path: str) -> str:
    """``####`` → ``%04d``."""
    return re.sub(r"#+", lambda m: f"%0{len(m.group(0))}d", path)


def describe_formats() -> str:
    """Every kind's formats in a few lines (for ``--help`` and errors)."""
    lines = []
    for kind in KINDS:
        items = [f".{ext}{' (%04d pattern)' if fmt.container is None else ''}: {fmt.label}" for (k, ext), fmt in FORMATS.items() if k == kind]
        lines.append(f"{kind}: " + "; ".join(items))
    return "\n".join(lines)


@dataclass(frozen=True)
class OutputSpec:
    """One planned output.

    :param kind: ``matte``, ``keyed`` or ``composite``.
    :param path: the final path (a ``%0Nd`` pattern for sequences).
    :param format: how it is encoded.
    :param premultiply: keyed outputs: store premultiplied colour instead of straight.
    :param background: composites: a colour, an image or video path, or ``blur``.
    :param start_number: sequences: the number of the first file (default: the source frame index).
    :param image_layout: sequences of a clip shown turned (a phone's display matrix): ``shown`` writes
        the images as the clip is shown (default), ``coded`` as its frames are coded (for an
        application that ignores the matrix). Video outputs always carry the matrix.
    """

    kind: str
    path: str
    format: Format
    premultiply: bool = False
    background: str | None = None
    start_number: int | None = None
    image_layout: str = "shown"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_sequence(self) -> bool:
        return self.format.container is None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "path": self.path, "format": self.format.label}
        if self.premultiply:
            data["premultiply"] = True
        if self.background:
            data["background"] = self.background
        if self.start_number is not None:
            data["start_number"] = self.start_number
        if self.image_layout != "shown":
            data["image_layout"] = self.image_layout
        return data


IMAGE_LAYOUTS = ("shown", "coded")


def plan_output(kind: str, path: str, *, premultiply: bool = False, background: str | None = None,
                start_number: int | None = None, overwrite: bool = False, image_layout: str | None = None) -> OutputSpec:
    """Check and describe one output before any work is done.

    Raises ``InvalidParameter`` for an unknown kind or extension and ``InvalidOutput.Path`` for a
    folder that is missing or not writable, or an existing output without ``overwrite``.
    """
    if kind not in KINDS:
        raise MatteboxError("InvalidParameter", f"unknown output {kind!r}; choose one of: {', '.join(KINDS)}")
    image_layout = image_layout or "shown"
    if image_layout not in IMAGE_LAYOUTS:
        raise MatteboxError("InvalidParameter", f"unknown image layout {image_layout!r}; choose one of: {', '.join(IMAGE_LAYOUTS)}")
    path = os.path.abspath(os.path.expanduser(os.fspath(path)))
    seq = is_sequence_pattern(path)
    if seq:
        path = _normalise_pattern(path)
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    fmt = FORMATS.get((kind, ext))
    if fmt is None or (fmt.container is None) != seq:
        choices = "; ".join(
            f".{e}" + (" (with a %04d pattern)" if f.container is None else "") for (k, e), f in FORMATS.items() if k == kind
        )
        if fmt is not None and fmt.container is None:
            raise MatteboxError("InvalidParameter", f"{os.path.basename(path)}: an image sequence needs a frame-number pattern, e.g. matte_%04d.png")
        raise MatteboxError("InvalidParameter", f"cannot write a {kind} to {os.path.basename(path)}; {kind} outputs: {choices}")
    if kind == "composite" and not background:
        raise MatteboxError("MissingParameter", "a composite needs --background (a colour like #00ff00, an image, a video, or blur)")
    if kind != "composite" and background:
        raise MatteboxError("InvalidParameter", "--background only applies to --output composite")
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise MatteboxError("InvalidOutput.Path", f"the output folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise MatteboxError("InvalidOutput.Path", f"the output folder {folder} is not writable")
    if not overwrite:
        if seq:
            probe_name = path % (start_number or 0) if start_number is not None else None
            existing = probe_name if probe_name and os.path.exists(probe_name) else None
        else:
            existing = path if os.path.exists(path) else None
        if existing:
            raise MatteboxError("InvalidOutput.Path", f"{existing} already exists", hint="pass --overwrite to replace it, or pick another name")
    return OutputSpec(kind, path, fmt, premultiply=premultiply, background=background, start_number=start_number,
                      image_layout=image_layout)
