"""Input limits of the ONNX backend, readable without importing onnxruntime.

A local model reads anything FFmpeg decodes, at any length; only degenerate sizes are refused
(the selfie model needs a few pixels per side, and 8K+ frames would not fit a laptop's memory).
"""

from __future__ import annotations

from mattebox.limits import Limits

__all__ = ["LIMITS"]

LIMITS = Limits(min_side=16, max_long_side=8192)
