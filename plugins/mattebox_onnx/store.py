"""The model store: installed models in the user data directory, each with its hash, source and licence.

Layout: ``<data dir>/models/<name>/model.onnx`` beside ``model.json`` (name, SHA-256 of the
ONNX file, source, the source file's SHA-256, licence, card, install time). ``MATTEBOX_MODEL_PATH``
(directories separated by ``os.pathsep``) adds read-only stores searched after the user's own: a
studio can share one models folder, and the test suite installs the real model once per machine.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .card import ModelCard
from .catalog import CATALOG, install_command
from .errors import ModelError, ModelNotInstalledError

__all__ = ["InstalledModel", "ModelStore", "check_integrity", "sha256_file"]

log = logging.getLogger(__name__)

MODEL_FILE = "model.onnx"
INFO_FILE = "model.json"


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def _data_dir() -> Path:
    from mattebox.paths import data_dir

    return data_dir()


@dataclass(frozen=True)
class InstalledModel:
    """One installed model: where its file is and what was recorded when it was installed."""

    name: str
    path: Path
    sha256: str
    source: str
    licence: str
    card: ModelCard
    source_sha256: str | None = None
    installed: float = 0.0
    read_only: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "file": MODEL_FILE, "sha256": self.sha256, "source": self.source,
            "source_sha256": self.source_sha256, "licence": self.licence, "card": self.card.to_dict(),
            "installed": self.installed,
        }


def check_integrity(model: InstalledModel) -> InstalledModel:
    """Raise :class:`ModelError` when ``model``'s file no longer has the SHA-256 recorded at install."""
    if not model.path.is_file():
        raise ModelNotInstalledError(model.name, install_command(model.name))
    actual = sha256_file(model.path)
    if actual != model.sha256:
        raise ModelError(
            f"the model file {model.path} is corrupt: SHA-256 {actual[:12]}… differs from the installed {model.sha256[:12]}…",
            hint=f"reinstall it: `{install_command(model.name)}`",
        )
    return model


class ModelStore:
    """Installed models: look up, verify, record. Installing from sources lives in :mod:`.install`.

    :param root: the writable models folder (default ``<data dir>/models``).
    :param extra: read-only folders searched after ``root`` (default from ``MATTEBOX_MODEL_PATH``).
    """

    def __init__(self, root: str | os.PathLike | None = None, extra: list[str] | None = None) -> None:
        self.root = Path(root) if root is not None else _data_dir() / "models"
        if extra is None:
            extra = [p for p in os.environ.get("MATTEBOX_MODEL_PATH", "").split(os.pathsep) if p]
        self.extra = [Path(p) for p in extra]

    def _read(self, folder: Path, read_only: bool) -> InstalledModel | None:
        info_path = folder / INFO_FILE
        if not info_path.is_file():
            return None
        try:
            info = json.loads(info_path.read_text(encoding="utf-8"))
            return InstalledModel(
                name=info["name"], path=folder / info.get("file", MODEL_FILE), sha256=info["sha256"],
                source=info.get("source", ""), licence=info.get("licence", "unknown"),
                card=ModelCard.from_dict(info["card"]), source_sha256=info.get("source_sha256"),
                installed=float(info.get("installed", 0.0)), read_only=read_only,
            )
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring the damaged model record %s (%s)", info_path, exc)
            return None

    def list(self) -> list[InstalledModel]:
        """Every installed model, the user's store first; a name found twice is listed once."""
        found: dict[str, InstalledModel] = {}
        for base, ro in [(self.root, False)] + [(p, True) for p in self.extra]:
            if not base.is_dir():
                continue
            for folder in sorted(base.iterdir()):
                model = self._read(folder, ro) if folder.is_dir() else None
                if model is not None and model.name not in found:
                    found[model.name] = model
        return list(found.values())

    def find(self, name: str) -> InstalledModel | None:
        """The installed model ``name``, or ``None``."""
        for base, ro in [(self.root, False)] + [(p, True) for p in self.extra]:
            model = self._read(base / name, ro)
            if model is not None:
                return model
        return None

    def get(self, name: str) -> InstalledModel:
        """The installed model ``name``; raises :class:`ModelNotInstalledError` with the install command."""
        model = self.find(name)
        if model is None or not model.path.is_file():
            raise ModelNotInstalledError(name, install_command(name))
        return model

    def verify(self, name: str) -> InstalledModel:
        """Check the file's SHA-256 against the record; raise :class:`ModelError` if it changed."""
        return check_integrity(self.get(name))

    def record(self, name: str, onnx_path: str | os.PathLike, *, source: str, licence: str, card: ModelCard,
               source_sha256: str | None = None, move: bool = False) -> InstalledModel:
        """Put ``onnx_path`` into the store as ``name`` (replacing any previous install) and write its record."""
        folder = self.root / name
        tmp = self.root / f".{name}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        (shutil.move if move else shutil.copyfile)(os.fspath(onnx_path), os.fspath(tmp / MODEL_FILE))
        model = InstalledModel(
            name=name, path=folder / MODEL_FILE, sha256=sha256_file(tmp / MODEL_FILE), source=source, licence=licence,
            card=card, source_sha256=source_sha256, installed=time.time(),
        )
        (tmp / INFO_FILE).write_text(json.dumps(model.to_dict(), indent=2), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
        log.info("installed model %s (%s) at %s", name, model.sha256[:12], folder)
        return model
