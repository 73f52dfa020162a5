"""The cloud backend's processor: the remote work in ``prepare()``, then the masks in lockstep.

``prepare()`` runs the whole remote job (:class:`~mattebox_aliyun.remote.RemoteJob`): estimate,
upload, submit, poll, download. ``process(frames)`` then decodes the downloaded mask videos chunk
after chunk and hands out one alpha per source frame, scaled to the source's size when the
service (or ``--fit``) worked at another size, so the outputs line up frame for frame. A clip shown
turned (a phone's portrait clip) whose masks come back laid out as shown (the service applied the
display matrix) has them turned back into the coded layout first.
"""

from __future__ import annotations

import logging
from typing import Callable, Iterator, Sequence

import numpy as np

from mattebox.backend import MatteResult
from mattebox.errors import MatteboxError
from mattebox.media.frame import Frame
from mattebox.media.orientation import Orientation

from .remote import RemoteJob

__all__ = ["AliyunProcessor", "iter_masks"]

log = logging.getLogger(__name__)

# A mask video this many frames short of its chunk is padded with its last frame (encoders may drop a trailing frame).
_PAD_TOLERANCE = 2


# 8-bit formats whose first plane is the luma itself (read directly: converting through swscale costs 20×)
_LUMA_FIRST = frozenset({"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12", "nv21", "gray"})


def _luma(av_frame) -> np.ndarray:
    if av_frame.format.name in _LUMA_FIRST:
        plane = av_frame.planes[0]
        return np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)[: av_frame.height, : av_frame.width]
    return av_frame.to_ndarray(format="gray")


def _alpha(av_frame, width: int, height: int, shown: Orientation | None = None) -> np.ndarray:
    import cv2

    luma = _luma(av_frame)
    if shown is not None:  # laid out as shown on screen: back to the coded layout
        luma = shown.coded(luma)
    alpha = luma.astype(np.float32)
    if int(getattr(av_frame, "color_range", 0) or 0) == 1:  # explicitly tagged MPEG (16-235) range
        alpha -= 16.0
        alpha *= 1.0 / 219.0
        np.clip(alpha, 0.0, 1.0, out=alpha)
    else:
        alpha *= 1.0 / 255.0
    if alpha.shape != (height, width):
        alpha = cv2.resize(alpha, (width, height), interpolation=cv2.INTER_LINEAR)
    return alpha


def _laid_out_as_shown(orientation: Orientation | None, mask_w: int, mask_h: int, width: int, height: int) -> bool:
    """Whether a ``mask_w``×``mask_h`` mask of a ``width``×``height`` clip turned by a quarter turn has the
    shape of the clip as shown rather than as coded (a rescaled mask keeps roughly its aspect)."""
    if orientation is None or not orientation.transposed or width == height:
        return False
    aspect = mask_w / max(1, mask_h)
    return abs(aspect - height / width) < abs(aspect - width / height)


def iter_masks(masks: Sequence[tuple[str, int]], width: int, height: int,
               orientation: Orientation | None = None) -> Iterator[np.ndarray]:
    """Alphas (float32, ``height``×``width``) from mask videos, exactly ``frames`` from each ``(path, frames)``.

    :param orientation: how the source is turned for display (``None``: as coded).
    """
    import av

    for index, (path, frames) in enumerate(masks):
        produced = 0
        last = None
        with av.open(path) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            shown = None
            for av_frame in container.decode(stream):
                if produced == frames:
                    produced += 1
                    break
                if produced == 0 and _laid_out_as_shown(orientation, av_frame.width, av_frame.height, width, height):
                    log.info("chunk %d: the masks come laid out as the clip is shown; turned back", index + 1)
                    shown = orientation
                last = _alpha(av_frame, width, height, shown)
                yield last
                produced += 1
        if produced > frames:
            log.warning("chunk %d: the mask video has more frames than the %d sent; the extra ones are ignored", index + 1, frames)
        elif produced < frames:
            missing = frames - produced
            if last is None or missing > _PAD_TOLERANCE:
                raise MatteboxError("InternalServerError.Algo",
                                    f"chunk {index + 1}: the service returned {produced} mask frames for {frames} frames")
            log.warning("chunk %d: the mask video is %d frame(s) short; repeating its last frame", index + 1, missing)
            for _ in range(missing):
                yield last


class AliyunProcessor:
    """Frames → mattes from the cloud service's mask videos."""

    batch_size = 8

    def __init__(self, remote: RemoteJob, frame_counts: Callable[[], list[int]], width: int, height: int,
                 orientation: Orientation | None = None) -> None:
        self.remote = remote
        self.frame_counts = frame_counts
        self.width, self.height = width, height
        self.orientation = orientation
        self._masks: Iterator[np.ndarray] | None = None

    def prepare(self) -> None:
        paths = self.remote.run()
        self._masks = iter_masks(list(zip(paths, self.frame_counts())), self.width, self.height, self.orientation)

    def process(self, frames: Sequence[Frame]) -> list[MatteResult]:
        assert self._masks is not None, "prepare() was not called"
        results = []
        for frame in frames:
            try:
                alpha = next(self._masks)
            except StopIteration:
                raise MatteboxError("InternalServerError.Algo", f"no mask for source frame {frame.index}") from None
            if alpha.shape != (frame.height, frame.width):
                import cv2

                alpha = cv2.resize(alpha, (frame.width, frame.height), interpolation=cv2.INTER_LINEAR)
            results.append(MatteResult(alpha))
        return results

    def finish(self) -> list[MatteResult]:
        return []

    def close(self) -> None:
        if self._masks is not None:
            self._masks.close()  # type: ignore[attr-defined]
            self._masks = None
        session = getattr(self.remote.rpc, "session", None)
        if session is not None:
            session.close()
