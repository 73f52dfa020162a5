"""mattebox backend: the local green/blue-screen keyer (task ``greenscreen``).

Only hook implementations and cheap imports live here. Modules: ``backend`` (the Backend and its
limits), ``settings`` (every parameter, as settings and as CLI/API options), ``keyer`` (the
algorithm on numpy arrays), ``screen`` (screen detection and clean plate), ``upsample``
(chroma → full resolution), ``foreground`` (despill), ``temporal`` and ``processor``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from mattebox import hookimpl

if TYPE_CHECKING:  # pragma: no cover
    from mattebox.backend import Backend
    from mattebox.tasks import Task


@hookimpl
def mattebox_backends() -> "Sequence[Backend]":
    from .backend import KeyerBackend

    return [KeyerBackend()]


@hookimpl(trylast=True)
def mattebox_default_backend(task: "Task") -> "str | None":
    """``keyer`` for green screens, unless another plugin claims them first."""
    return "keyer" if str(task) == "greenscreen" else None
