"""FFmpeg's ``chromakey`` (+ ``despill``) as an anchor, run in-process through PyAV's filter graph.

``buffer → chromakey → despill → buffersink``, the chain ``ffmpeg -vf chromakey=…,despill=…`` runs
(plus ``format=rgba`` when the alpha is read back for scoring; the speed benchmark leaves it out).
The alpha comes from chromakey (despill only changes colour). Frames are the decoder's own
(yuv420p); FFmpeg converts to RGB for despill inside the graph, as the CLI does.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Iterable, Sequence

import av
import numpy as np
from av.filter import Graph

__all__ = ["ChromakeySettings", "chromakey_alpha", "chromakey_graph"]


class ChromakeySettings(dict):
    """``{"color": "0xRRGGBB" (or Y'CbCr with yuv=1), "similarity": float, "blend": float, "yuv": 0|1}``."""


def chromakey_graph(
    template: av.VideoFrame,
    settings: dict,
    *,
    screen: str = "green",
    despill: bool = True,
    output_format: str | None = "rgba",
) -> Graph:
    """A configured graph keying frames shaped like ``template``."""
    graph = Graph()
    src = graph.add_buffer(
        width=template.width, height=template.height, format=template.format.name, time_base=Fraction(1, 1000)
    )
    key = graph.add(
        "chromakey",
        f"color={settings['color']}:similarity={settings['similarity']}:"
        f"blend={settings['blend']}:yuv={int(settings.get('yuv', 0))}",
    )
    chain = [src, key]
    if despill:
        chain.append(graph.add("despill", f"type={screen}"))
    if output_format:  # None: despill's own output (argb), as `ffmpeg -vf chromakey,despill` hands on
        chain.append(graph.add("format", output_format))
    chain.append(graph.add("buffersink"))
    graph.link_nodes(*chain).configure()
    return graph


def chromakey_alpha(
    frames: Sequence[av.VideoFrame], settings: dict, *, screen: str = "green", despill: bool = True
) -> Iterable[np.ndarray]:
    """The alpha (float32 0..1) FFmpeg's chromakey gives each frame, in order."""
    if not frames:
        return
    graph = chromakey_graph(frames[0], settings, screen=screen, despill=despill)
    for i, frame in enumerate(frames):
        frame.pts = i
        graph.push(frame)
        out = graph.pull()
        yield out.to_ndarray()[..., 3].astype(np.float32) * (1.0 / 255.0)
