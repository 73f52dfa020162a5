"""The contract between the runtime and a backend.

A backend (a local keyer, an ONNX segmenter, a cloud service) is an object satisfying
:class:`Backend`. For each job the runtime asks it for a :class:`Processor`, feeds it decoded
:class:`~mattebox.media.frame.Frame` batches in presentation order and receives one
:class:`MatteResult` per frame, in the same order. A processor may hold frames back (temporal
filters look ahead) and hand them over later; :meth:`Processor.finish` returns whatever is left.
Work that is not per-frame (an upload, a remote job) belongs in :meth:`Processor.prepare`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol, Sequence, runtime_checkable

import cv2
import numpy as np

from .limits import Limits
from .media.color import ColorInfo, ycbcr_to_rgb
from .media.frame import Frame
from .media.probe import MediaInfo
from .tasks import Task

__all__ = ["Backend", "JobContext", "MatteResult", "Option", "Processor", "TaskSupport"]


@dataclass
class MatteResult:
    """A backend's answer for one frame.

    :param alpha: float32 (H, W) in 0..1 at the source's full resolution.
    :param foreground: uint8 (H, W, 3) RGB straight (not premultiplied) foreground colour,
        e.g. despilled by a keyer; ``None`` (and no ``foreground_ycbcr``) means "the source pixels".
    :param foreground_ycbcr: the same colour as Y', Cb, Cr planes in the frame's matrix and range, laid
        out like :meth:`Frame.ycbcr420 <mattebox.media.frame.Frame.ycbcr420>` or like
        :meth:`Frame.source_planes <mattebox.media.frame.Frame.source_planes>` (any chroma subsampling):
        Y'CbCr encoders take them as they are, others get them converted by :meth:`foreground_rgb`.
    :param foreground_depth: bits per code of ``foreground_ycbcr`` (8: uint8; 10 or 12: uint16).
    :param alpha_in_range: the backend guarantees ``alpha`` is a writable float32 array within 0..1,
        so the pipeline skips clipping it (a full pass over the frame); leave it False otherwise.
    :param alpha_boxes: ``(y0, y1, x0, x1)`` boxes (end exclusive) outside which ``alpha`` is 0, when
        the backend knows them: encoders then convert only the boxes (a keyed subject is a fraction
        of the frame). ``None``: anywhere.
    :param release: called by the runtime once every output has been written from this result (it
        reads neither the matte nor the foreground after): the backend may reuse their memory. A
        consumer that keeps the arrays never calls it.
    """

    alpha: np.ndarray
    foreground: np.ndarray | None = None
    foreground_ycbcr: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    foreground_depth: int = 8
    alpha_in_range: bool = False
    alpha_boxes: Sequence[tuple[int, int, int, int]] | None = None
    release: Callable[[], None] | None = None

    def foreground_rgb(self, color: ColorInfo) -> np.ndarray | None:
        """The foreground as R'G'B' uint8 (planes in ``color`` converted once), or ``None`` for the source's."""
        if self.foreground is None and self.foreground_ycbcr is not None:
            planes = self.foreground_ycbcr
            if self.foreground_depth != 8:
                scale = 1.0 / (1 << (self.foreground_depth - 8))
                planes = tuple(cv2.convertScaleAbs(p, alpha=scale) for p in planes)  # rounded to 8-bit codes
            self.foreground = ycbcr_to_rgb(*planes, color)
        return self.foreground


@dataclass(frozen=True)
class Option:
    """One backend parameter, exposed as ``--<name>`` on the CLI and as a keyword in the API.

    :param name: kebab-case name (``screen-color``); the API key is the snake_case form.
    :param parse: turns the CLI string into a value (and raises ``ValueError`` on bad input).
    :param default: the default value (already parsed).
    :param help: one line for ``--help``.
    :param choices: allowed values, if a closed set.
    """

    name: str
    parse: Callable[[str], Any]
    default: Any
    help: str
    choices: Sequence[str] | None = None

    @property
    def key(self) -> str:
        return self.name.replace("-", "_")


@dataclass(frozen=True)
class TaskSupport:
    """Whether a backend offers a task, and a note for users (e.g. "dropped from the service")."""

    offered: bool = True
    note: str = ""


@runtime_checkable
class JobContext(Protocol):
    """What a processor may ask of the running job."""

    job_id: str
    source: MediaInfo
    frame_start: int  # first source frame of the job (0-based)
    frame_count: int  # frames in the job
    workdir: str  # a scratch folder owned by the job (kept until the job is finished)
    # whether any output shows the foreground's colour (keyed, composite); a matte-only job does not,
    # so a backend may skip computing it. Read it with getattr(context, "wants_foreground", True).
    wants_foreground: bool

    def report(self, stage: str, fraction: float, message: str = "") -> None:
        """Report progress of a non-frame stage (upload, remote processing, download)."""

    def cancelled(self) -> bool:
        """True once the user asked to cancel; long operations should poll it and stop."""

    def remote_state(self) -> dict[str, Any]:
        """State a backend saved for this job (e.g. remote request ids), to resume without re-submitting."""

    def save_remote_state(self, state: Mapping[str, Any]) -> None:
        """Persist backend state in the job store at once (survives a crash)."""


@runtime_checkable
class Processor(Protocol):
    """Turns a job's frames into mattes. Created per job by :meth:`Backend.create`."""

    batch_size: int

    def prepare(self) -> None:
        """Heavy set-up before the first frame (load a model, run a remote job)."""

    def process(self, frames: Sequence[Frame]) -> list[MatteResult]:
        """Mattes for the oldest frames not yet answered, in order (possibly fewer than given)."""

    def finish(self) -> list[MatteResult]:
        """Mattes for every frame still held back, after the last :meth:`process`."""

    def close(self) -> None:
        """Release resources; called on every path, success or not."""


@runtime_checkable
class Backend(Protocol):
    """A provider of mattes, registered through the ``mattebox_backends`` hook.

    A backend may set ``remote = True`` (it uploads, or bills): it is then only used when named.
    """

    name: str
    description: str

    def tasks(self) -> Mapping[Task, TaskSupport]:
        """The tasks this backend knows, each marked offered or not."""

    def limits(self, task: Task) -> Limits:
        """Input limits for ``task``, checked before any work (cheap: no heavy imports)."""

    def options(self, task: Task) -> Sequence[Option]:
        """Parameters the user may set for ``task``."""

    def create(self, task: Task, options: Mapping[str, Any], context: JobContext) -> Processor:
        """A processor for one job; ``options`` holds every option's value (defaults filled in)."""


@dataclass
class ProcessorBase:
    """Convenience base for per-frame processors: override :meth:`process_one`."""

    batch_size: int = 1
    _pending: list = field(default_factory=list)

    def prepare(self) -> None:
        return None

    def process(self, frames: Sequence[Frame]) -> list[MatteResult]:
        return [self.process_one(f) for f in frames]

    def process_one(self, frame: Frame) -> MatteResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self) -> list[MatteResult]:
        return []

    def close(self) -> None:
        return None
