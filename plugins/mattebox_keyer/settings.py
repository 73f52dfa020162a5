"""The keyer's parameters: one frozen :class:`KeyerSettings`, and the same parameters as CLI/API options.

Every field of :class:`KeyerSettings` is an :class:`~mattebox.backend.Option` (``--clip-black``,
API key ``clip_black``) whose parser turns the user's text into the field's value. Defaults are
the settings the quality benchmark measures: nothing needs tuning for a usual green or blue screen.
Cheap to import: no OpenCV, no numpy.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Callable, Mapping

from mattebox.backend import Option

__all__ = ["DESPILL_CHOICES", "KeyerSettings", "OPTIONS", "settings_from_options"]

DESPILL_CHOICES = ("average", "max", "min", "none")
EDGE_COLOUR_CHOICES = ("unmix", "source")
UPSAMPLE_CHOICES = ("detail", "guided", "bilinear")
SCREEN_CHOICES = ("auto", "green", "blue")


@dataclass(frozen=True)
class KeyerSettings:
    """How to key. See :data:`OPTIONS` for what each field does."""

    screen: str = "auto"
    screen_color: str | tuple[int, int, int] = "auto"
    screen_balance: float = 0.5
    linear: bool = True
    clean_plate: bool = True
    clip_black: str | float = "auto"
    clip_white: float = 0.55
    core_threshold: float = 0.55
    core_size: float = 0.0
    edge_refine: bool = True
    edge_tolerance: float = 0.2
    edge_white: float = 0.85
    upsample: str = "detail"
    denoise: int = 0
    edge_colour: str = "unmix"
    despill: str = "average"
    despill_strength: float = 1.0
    restore_luma: float = 0.0
    temporal: float = 0.0
    choke: float = 0.0
    feather: float = 0.0


def _switch(text: str) -> bool:
    t = str(text).strip().lower()
    if t in ("on", "yes", "true", "1"):
        return True
    if t in ("off", "no", "false", "0"):
        return False
    raise ValueError("expected on or off")


def _ranged(lo: float, hi: float, *, integer: bool = False) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = int(text) if integer else float(text)
        if not lo <= value <= hi:
            raise ValueError(f"must be between {lo:g} and {hi:g}")
        return value

    return parse


def _colour(text: str) -> str | tuple[int, int, int]:
    """``auto``, ``#RRGGBB``/``RRGGBB`` or ``R,G,B`` (0..255 sRGB codes)."""
    t = str(text).strip().lower()
    if t == "auto":
        return "auto"
    if "," in t:
        parts = [int(p) for p in t.split(",")]
        if len(parts) != 3 or not all(0 <= p <= 255 for p in parts):
            raise ValueError("expected R,G,B with each 0..255")
        return (parts[0], parts[1], parts[2])
    t = t.lstrip("#")
    if len(t) != 6:
        raise ValueError("expected auto, #RRGGBB or R,G,B")
    v = int(t, 16)
    return ((v >> 16) & 255, (v >> 8) & 255, v & 255)


def _clip_black(text: str) -> str | float:
    t = str(text).strip().lower()
    if t == "auto":
        return "auto"
    return _ranged(0.0, 0.5)(t)


def _choice(choices: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        t = str(text).strip().lower()
        if t not in choices:
            raise ValueError(f"choose one of {', '.join(choices)}")
        return t

    return parse


OPTIONS: tuple[Option, ...] = (
    Option(
        "screen",
        _choice(SCREEN_CHOICES),
        "auto",
        "screen colour family: auto (detected), green or blue",
        choices=SCREEN_CHOICES,
    ),
    Option(
        "screen-color",
        _colour,
        "auto",
        "the screen's colour (#RRGGBB or R,G,B): only pixels of its hue count as screen; auto measures it",
    ),
    Option(
        "screen-balance",
        _ranged(0.0, 1.0),
        0.5,
        "colour difference against the max (1, keeps yellows opaque) or the average (0, truer for skin) "
        "of the other channels",
    ),
    Option("linear", _switch, True, "key in linear light, where foreground and screen mix (on/off)"),
    Option(
        "clean-plate",
        _switch,
        True,
        "estimate the screen per pixel, robust to uneven light (on/off; off: one screen colour)",
    ),
    Option(
        "clip-black", _clip_black, "auto", "matte level treated as screen (0..0.5), or auto from the screen's noise"
    ),
    Option(
        "clip-white", _ranged(0.05, 1.0), 0.55, "matte level at which solid areas become fully opaque (1: no clipping)"
    ),
    Option("core-threshold", _ranged(0.0, 1.0), 0.55, "matte level above which a region counts as solid foreground"),
    Option(
        "core-size",
        _ranged(0.0, 200.0),
        0.0,
        "how thick a region must be to count as solid, in pixels (0: from the frame size)",
    ),
    Option(
        "edge-refine",
        _switch,
        True,
        "estimate the foreground colour at edges and solve the matting equation there (on/off)",
    ),
    Option(
        "edge-tolerance",
        _ranged(0.01, 2.0),
        0.2,
        "how closely an edge pixel must match foreground/screen mixing to be refined",
    ),
    Option(
        "edge-white",
        _ranged(0.2, 1.0),
        0.85,
        "matte level at which edge pixels count as opaque (through a soft knee; 1: off)",
    ),
    Option(
        "upsample",
        _choice(UPSAMPLE_CHOICES),
        "detail",
        "how the matte reaches full resolution: detail (luma-guided), guided or bilinear",
        choices=UPSAMPLE_CHOICES,
    ),
    Option(
        "denoise", _ranged(0, 3, integer=True), 0, "blur radius applied before keying, at chroma resolution (0: off)"
    ),
    Option(
        "edge-colour",
        _choice(EDGE_COLOUR_CHOICES),
        "unmix",
        "colour of soft edges: unmix (the screen's share taken out, using the clean plate) or source",
        choices=EDGE_COLOUR_CHOICES,
    ),
    Option(
        "despill",
        _choice(DESPILL_CHOICES),
        "average",
        "spill removal: average, max (gentlest), min (strongest) or none",
        choices=DESPILL_CHOICES,
    ),
    Option("despill-strength", _ranged(0.0, 1.0), 1.0, "how much of the spill to remove"),
    Option("restore-luma", _ranged(0.0, 1.0), 0.0, "give back the brightness despill removes (0..1)"),
    Option(
        "temporal", _ranged(0.0, 0.9), 0.0, "temporal smoothing against flicker, 0 (off) .. 0.9; holds one frame back"
    ),
    Option("choke", _ranged(-50.0, 50.0), 0.0, "shrink (>0) or grow (<0) the matte by this many pixels"),
    Option("feather", _ranged(0.0, 50.0), 0.0, "soften the matte's edges by this many pixels"),
)


def settings_from_options(values: Mapping[str, Any]) -> KeyerSettings:
    """A :class:`KeyerSettings` from resolved option values (API keys, defaults filled in)."""
    known = {f.name for f in fields(KeyerSettings)}
    parsed: dict[str, Any] = {}
    specs = {o.key: o for o in OPTIONS}
    for key, value in values.items():
        if key not in known:
            raise ValueError(f"unknown keyer option {key!r}")
        if isinstance(value, str) and specs[key].parse not in (str,):
            value = specs[key].parse(value)
        parsed[key] = value
    return KeyerSettings(**parsed)
