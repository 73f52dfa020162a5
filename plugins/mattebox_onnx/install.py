"""Installing models: the selfie segmenters from the mediapipe wheel, downloads, and user files.

``selfie``: ``pip download --no-deps mediapipe==0.10.14`` (so the user's index settings and mirrors
apply; the wheel is cached under the data dir and never installed), the two ``.tflite`` members
checked against their pinned SHA-256, converted to ONNX and checked against their cards.
``rvm``: the official release file over HTTPS with a progress callback and SHA-256 check; with no
network it fails fast naming the URL and ``mattebox models add rvm PATH``. ``add``: a file the user
downloaded, checked against the catalog hash where one is known, and against its card.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Callable

from mattebox.errors import MatteboxError

from .card import ModelCard, load_card
from .catalog import CATALOG, GROUPS, MEDIAPIPE_WHEEL, ModelSpec, install_command
from .errors import ModelError
from .store import InstalledModel, ModelStore, sha256_file
from .validate import check_model_file

__all__ = ["Progress", "add_model", "download", "fetch_mediapipe_wheel", "install_models", "resolve_add_name"]

log = logging.getLogger(__name__)

Progress = Callable[[str, int, "int | None"], None]
"""``progress(stage, done, total)``: a stage name, units done and the total (``None`` if unknown)."""

_PIP_TARGET = ["--platform", "manylinux_2_17_x86_64", "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311"]


def _quiet(stage: str, done: int, total: int | None) -> None:
    return None


def fetch_mediapipe_wheel(cache: Path, *, show_pip: bool = False, progress: Progress = _quiet) -> Path:
    """The mediapipe wheel from the cache, or fetched into it with pip.

    The Linux x86-64 CPython 3.11 wheel is asked for on every platform: only two model files are
    read from it, and they are identical in every platform's wheel.
    """
    cache.mkdir(parents=True, exist_ok=True)
    version = MEDIAPIPE_WHEEL.split("==")[1]
    cached = sorted(glob.glob(os.fspath(cache / f"mediapipe-{version}-*.whl")))
    if cached:
        return Path(cached[0])
    progress("fetching " + MEDIAPIPE_WHEEL, 0, None)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", *_PIP_TARGET,
           "--disable-pip-version-check", "-d", os.fspath(cache), MEDIAPIPE_WHEEL]
    log.info("running %s", " ".join(cmd))
    out = None if show_pip else subprocess.PIPE
    proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT if out else None, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stdout or "").strip().splitlines()[-3:] if proc.stdout else []
        raise MatteboxError(
            "InvalidFile.Download",
            f"pip could not fetch {MEDIAPIPE_WHEEL} (exit {proc.returncode})" + (": " + " | ".join(tail) if tail else ""),
            hint="check your package index settings (pip config list) and network, then run `mattebox models install selfie` again",
        )
    cached = sorted(glob.glob(os.fspath(cache / f"mediapipe-{version}-*.whl")))
    if not cached:
        raise MatteboxError("InvalidFile.Download", f"pip reported success but no {MEDIAPIPE_WHEEL} wheel is in {cache}")
    progress("fetching " + MEDIAPIPE_WHEEL, 1, 1)
    return Path(cached[0])


def _install_from_wheel(specs: list[ModelSpec], store: ModelStore, wheel: Path, progress: Progress) -> list[InstalledModel]:
    from .convert.tflite_to_onnx import convert_tflite

    done = []
    try:
        archive = zipfile.ZipFile(wheel)
    except zipfile.BadZipFile:
        wheel.unlink(missing_ok=True)  # a damaged cache entry: the next install fetches it again
        raise ModelError(f"the cached wheel {wheel.name} is damaged and was removed", hint="run `mattebox models install selfie` again") from None
    with archive, tempfile.TemporaryDirectory(prefix="mattebox-model-") as tmp:
        for spec in specs:
            progress(f"converting {spec.name}", 0, 1)
            try:
                data = archive.read(spec.member)
            except KeyError:
                raise ModelError(f"{wheel.name} has no {spec.member}", hint=f"the wheel must be {MEDIAPIPE_WHEEL}") from None
            digest = hashlib.sha256(data).hexdigest()
            if digest != spec.sha256:
                raise ModelError(f"{spec.member} in {wheel.name} has SHA-256 {digest}, expected {spec.sha256}",
                                 hint="delete the cached wheel and run `mattebox models install selfie` again")
            model = convert_tflite(data, graph_name=spec.name, doc=f"{spec.title}; {spec.licence}; from {spec.source}")
            path = Path(tmp) / f"{spec.name}.onnx"
            path.write_bytes(model.SerializeToString())
            check_model_file(path, spec.card, label=spec.name)
            done.append(store.record(spec.name, path, source=spec.source, licence=spec.licence, card=spec.card,
                                     source_sha256=digest, move=True))
            progress(f"converting {spec.name}", 1, 1)
    return done


def download(url: str, dest: Path, *, sha256: str | None, progress: Progress = _quiet, timeout: float = 15.0,
             add_hint: str = "") -> str:
    """Download ``url`` to ``dest`` (via a temporary file), checking ``sha256`` if given; return the file's hash.

    Fails fast with the URL and ``add_hint`` when the server cannot be reached.
    """
    import requests

    tmp = dest.with_name(dest.name + ".part")
    digest = hashlib.sha256()
    try:
        with requests.get(url, stream=True, timeout=(min(timeout, 10.0), timeout)) as resp:
            if resp.status_code != 200:
                raise MatteboxError("InvalidFile.Download", f"{url} answered HTTP {resp.status_code}",
                                    hint=f"download it in a browser, then {add_hint}" if add_hint else None)
            total = int(resp.headers.get("Content-Length") or 0) or None
            done = 0
            with open(tmp, "wb") as fh:
                for block in resp.iter_content(1 << 20):
                    fh.write(block)
                    digest.update(block)
                    done += len(block)
                    progress("downloading " + dest.name, done, total)
    except requests.RequestException as exc:
        tmp.unlink(missing_ok=True)
        reason = type(exc).__name__.replace("Error", " error").strip()
        raise MatteboxError(
            "InvalidFile.Download", f"cannot download {url} ({reason}: the network may be offline)",
            hint=f"download it elsewhere, then {add_hint}" if add_hint else "check the network",
        ) from None
    actual = digest.hexdigest()
    if sha256 and actual != sha256:
        tmp.unlink(missing_ok=True)
        raise ModelError(f"{url} downloaded with SHA-256 {actual}, expected {sha256}",
                         hint="retry; if it persists the file on the server changed: report it")
    os.replace(tmp, dest)
    return actual


def install_models(name: str, store: ModelStore | None = None, *, show_pip: bool = False,
                   progress: Progress = _quiet, wheel_cache: Path | None = None) -> list[InstalledModel]:
    """Install ``name`` (a group such as ``selfie``/``rvm``, or a catalog name); return what was installed.

    :param wheel_cache: where the mediapipe wheel is cached (default ``<data dir>/cache/wheels``).
    """
    store = store or ModelStore()
    names = GROUPS.get(name, (name,))
    specs = []
    for n in names:
        spec = CATALOG.get(n)
        if spec is None:
            choices = ", ".join(sorted(set(GROUPS) | {k for k, v in CATALOG.items() if v.url or v.member}))
            raise MatteboxError("InvalidParameter", f"no installable model named {name!r}; choose one of: {choices}",
                                hint="other ONNX models: `mattebox models add NAME PATH --card CARD.toml`")
        specs.append(spec)
    wheel_specs = [s for s in specs if s.member]
    url_specs = [s for s in specs if s.url]
    manual = [s for s in specs if not s.member and not s.url]
    if manual:
        raise MatteboxError("InvalidParameter", f"{manual[0].name} has no download; get {manual[0].source} yourself",
                            hint=f"then run `{install_command(manual[0].name)}`")
    installed: list[InstalledModel] = []
    if wheel_specs:
        if wheel_cache is None:
            from mattebox.paths import data_dir

            wheel_cache = data_dir() / "cache" / "wheels"
        wheel = fetch_mediapipe_wheel(wheel_cache, show_pip=show_pip, progress=progress)
        installed += _install_from_wheel(wheel_specs, store, wheel, progress)
    for spec in url_specs:
        store.root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="mattebox-dl-", dir=store.root) as tmp:
            path = Path(tmp) / os.path.basename(spec.url or "model.onnx")
            family = spec.name.split("-", 1)[0]
            digest = download(spec.url or "", path, sha256=spec.sha256, progress=progress,
                              add_hint=f"run `mattebox models add {family} PATH`")
            check_model_file(path, spec.card, label=spec.name)
            installed.append(store.record(spec.name, path, source=spec.source, licence=spec.licence, card=spec.card,
                                          source_sha256=digest, move=True))
    return installed


def resolve_add_name(name: str, path: str) -> str:
    """The installed name for ``mattebox models add NAME PATH``: ``rvm``/``modnet`` pick the variant from the file."""
    base = os.path.basename(path).lower()
    if name == "rvm":
        for spec in CATALOG.values():
            if spec.url and os.path.basename(spec.url).lower() == base:
                return spec.name
        return "rvm-custom"
    return name


def add_model(name: str, path: str, store: ModelStore | None = None, *, card_path: str | None = None) -> InstalledModel:
    """Install a model file the user has; ``card_path`` is required for models not in the catalog."""
    store = store or ModelStore()
    if not os.path.isfile(path):
        raise MatteboxError("InvalidFile.Download", f"{path}: no such file", hint="give the path of the downloaded .onnx file")
    target = resolve_add_name(name, path)
    spec = CATALOG.get(target)
    if card_path:
        card: ModelCard = load_card(card_path)
    elif spec is not None:
        card = spec.card
    elif name == "rvm":
        card = CATALOG["rvm-mobilenetv3-fp32"].card
    else:
        raise MatteboxError("MissingParameter", f"{name!r} is not a model mattebox knows; describe it with --card CARD.toml",
                            hint="see `mattebox models add --help` for the card's fields")
    digest = sha256_file(path)
    if spec is not None and spec.sha256 and digest != spec.sha256:
        raise ModelError(f"{os.path.basename(path)} has SHA-256 {digest}, but {spec.name} is {spec.sha256}",
                         hint=f"download it again from {spec.source}")
    check_model_file(path, card, label=os.path.basename(path))
    source = f"added by the user from {os.path.abspath(path)}"
    licence = spec.licence if spec is not None else ("GPL-3.0" if name == "rvm" else "see the model's own licence")
    return store.record(target, path, source=source, licence=licence, card=card, source_sha256=digest)
