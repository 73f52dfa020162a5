"""Matte operations shared by every backend: edge-aware upsampling, temporal smoothing, choke and
feather, hole filling, despill, and compositing. All work on numpy arrays (alpha float32 0..1)."""

from .composite import blur_background, composite_over, premultiply
from .despill import DESPILL_METHODS, despill
from .guided import guided_filter, guided_upsample
from .refine import choke, feather, fill_holes
from .temporal import TemporalSmoother

__all__ = [
    "DESPILL_METHODS",
    "TemporalSmoother",
    "blur_background",
    "choke",
    "composite_over",
    "despill",
    "feather",
    "fill_holes",
    "guided_filter",
    "guided_upsample",
    "premultiply",
]
