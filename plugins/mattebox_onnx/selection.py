"""Which installed model serves a job: the task's default, or the one the user named.

``halfbody`` → selfie landscape for wide frames (aspect ≥ 1.5), selfie general otherwise;
``body`` → Robust Video Matting when installed, else selfie general, with a note saying so once.
A named model may be a catalog name, an alias (``selfie``, ``rvm``) or any installed name.
"""

from __future__ import annotations

from mattebox.tasks import Task

from .catalog import install_command
from .errors import ModelNotInstalledError
from .store import InstalledModel, ModelStore

__all__ = ["RVM_PREFERENCE", "choose_model"]

RVM_PREFERENCE = ("rvm-mobilenetv3-fp32", "rvm-mobilenetv3-fp16", "rvm-resnet50-fp32", "rvm-resnet50-fp16", "rvm-custom")
LANDSCAPE_ASPECT = 1.5


def _selfie_for(width: int, height: int, task: Task) -> str:
    if task is Task.HALFBODY and width / max(1, height) >= LANDSCAPE_ASPECT:
        return "selfie-landscape"
    return "selfie-general"


def choose_model(task: Task, width: int, height: int, requested: str = "auto",
                 store: ModelStore | None = None) -> tuple[InstalledModel, str]:
    """The model for ``task`` on a ``width``×``height`` clip, and a note for the user (or ``""``).

    :raises ModelNotInstalledError: the model is not installed (the hint names the install command).
    """
    store = store or ModelStore()
    requested = (requested or "auto").strip().lower()
    if requested == "auto":
        if task is Task.BODY:
            for name in RVM_PREFERENCE:
                found = store.find(name)
                if found is not None:
                    return found, ""
            model = store.get("selfie-general")
            note = ("body: Robust Video Matting is not installed, so the MediaPipe selfie model is used "
                    "(`mattebox models install rvm` for full-body video matting)")
            return model, note
        return store.get(_selfie_for(width, height, task)), ""
    if requested == "selfie":
        return store.get(_selfie_for(width, height, task)), ""
    if requested == "rvm":
        for name in RVM_PREFERENCE:
            found = store.find(name)
            if found is not None:
                return found, ""
        raise ModelNotInstalledError("rvm", install_command("rvm"))
    return store.get(requested), ""
