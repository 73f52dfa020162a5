"""Install mattebox: the runtime (its own environment, the right onnxruntime, the default model) and the host adapters.

Usage::

    python installers/install.py [--hosts blender,resolve,nuke] [--runtime PATH_TO_EXISTING_mattebox] [--uninstall]

Without ``--hosts`` every host found on this machine is set up (a host counts as found when its
per-user folder exists or its program is on ``PATH``). Without ``--runtime`` a virtual environment
is created under the install folder with this checkout installed into it (pip picks
``onnxruntime-gpu`` or ``onnxruntime`` from the package's markers) and ``mattebox models install
selfie`` fetches the default model. The runtime's path is written to the config file the host
adapters read (``mattebox.publish.runtime``).

Running it again changes nothing that is already in place. ``--uninstall`` removes exactly what
the manifest says was added (files, folders, the marked block in ``~/.nuke/init.py``) and keeps
every line of the user's own files; the runtime's job store and any model it did not install stay.
Paths follow ``HOME`` (and ``APPDATA``/``LOCALAPPDATA`` on Windows), so it can be tried in a
temporary home. Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from typing import Callable, Dict, List, Optional, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from changes import Changes, InstallError  # noqa: E402
from layout import Layout  # noqa: E402

__all__ = ["HOSTS", "detect_hosts", "main", "run_install", "run_uninstall"]

HOSTS = ("blender", "resolve", "nuke")
SOURCE_EXTENSIONS = (".py", ".toml", ".json", ".txt", ".cfg")


# ----------------------------------------------------------------------------------------------------- detection


def detect_hosts(layout: Layout, which: Callable[[str], Optional[str]] = shutil.which) -> List[str]:
    """The hosts that look installed for this user: their per-user folder exists or their program is on PATH."""
    found = []
    if os.path.isdir(layout.blender_config_dir) or which("blender"):
        found.append("blender")
    system_resolve = {"linux": "/opt/resolve", "darwin": "/Applications/DaVinci Resolve", "win32": ""}[layout.platform]
    if os.path.isdir(layout.resolve_support_dir) or (system_resolve and os.path.isdir(system_resolve)) or which("resolve"):
        found.append("resolve")
    if os.path.isdir(layout.nuke_home) or any(which(n) for n in ("Nuke", "nuke", "Nuke16.0", "Nuke15.1")):
        found.append("nuke")
    return found


def parse_hosts(text: Optional[str]) -> Optional[List[str]]:
    if text is None:
        return None
    hosts = [h.strip().lower() for h in text.split(",") if h.strip()]
    unknown = [h for h in hosts if h not in HOSTS]
    if unknown:
        raise InstallError(f"unknown host(s) {', '.join(unknown)}; choose from {', '.join(HOSTS)}")
    return hosts


# ------------------------------------------------------------------------------------------------------ runtime


def _run(command: Sequence[str], what: str, timeout: float = 3600) -> str:
    try:
        proc = subprocess.run(list(command), capture_output=True, text=True, timeout=timeout)
    except OSError as exc:
        raise InstallError(f"{what}: cannot run {command[0]}: {exc}") from None
    except subprocess.TimeoutExpired:
        raise InstallError(f"{what}: {command[0]} did not finish within {timeout:.0f} s") from None
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])
        raise InstallError(f"{what} failed (exit status {proc.returncode}):\n{tail}")
    return proc.stdout


def check_runtime(executable: str) -> str:
    """``executable`` made absolute, after checking it runs (``mattebox --version``); returns its path."""
    path = os.path.abspath(os.path.expanduser(executable))
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise InstallError(f"--runtime {path} is not an executable file (give the path of an installed `mattebox` command)")
    version = _run([path, "--version"], "checking the runtime", timeout=120).strip()
    if not version.startswith("mattebox"):
        raise InstallError(f"--runtime {path} answered {version!r} to --version; it is not a mattebox runtime")
    return path


def source_fingerprint(repo: str = REPO) -> str:
    """A hash of the checkout's sources: a runtime built from the same sources is not rebuilt."""
    digest = hashlib.sha256()
    for top in ("pyproject.toml", "core", "plugins", "hosts"):
        base = os.path.join(repo, top)
        paths = [base] if os.path.isfile(base) else sorted(
            os.path.join(root, f) for root, dirs, files in os.walk(base)
            if not any(part == "__pycache__" or part.endswith(".egg-info") for part in root.split(os.sep))
            for f in files if f.endswith(SOURCE_EXTENSIONS))  # not the build's own by-products (egg-info)
        for path in paths:
            digest.update(os.path.relpath(path, repo).encode())
            with open(path, "rb") as fh:
                digest.update(hashlib.sha256(fh.read()).digest())
    return digest.hexdigest()


def _list_files(folder: str) -> List[str]:
    if not os.path.isdir(folder):
        return []
    return sorted(os.path.join(root, f) for root, _, files in os.walk(folder) for f in files)


def install_default_model(executable: str, changes: Changes) -> None:
    """``mattebox models install selfie``; the files it adds are recorded so uninstall removes them."""
    models = _run([executable, "models", "path"], "finding the models folder", timeout=120).strip()
    before = set(_list_files(models))
    _run([executable, "models", "install", "selfie"], "installing the default model (selfie)")
    for path in sorted(set(_list_files(models)) - before):
        changes.entries.append({"kind": "file", "path": path})
    changes.report(f"model selfie in {models}")


def create_runtime(layout: Layout, changes: Changes, *, pip_args: Sequence[str] = (), with_model: bool = True,
                   python: str = sys.executable) -> str:
    """The runtime's own virtual environment with this checkout installed; returns its ``mattebox``."""
    env_dir = layout.runtime_env_dir
    executable = layout.runtime_executable
    fingerprint = source_fingerprint()
    if changes.info.get("runtime_fingerprint") == fingerprint and os.path.isfile(executable):
        changes.report(f"unchanged {env_dir}")
    else:
        if not os.path.isdir(env_dir):
            changes._makedirs(os.path.dirname(env_dir))
            _run([python, "-m", "venv", env_dir], "creating the runtime environment")
        changes.adopt_tree(env_dir)
        env_python = os.path.join(env_dir, "Scripts", "python.exe") if layout.platform == "win32" else os.path.join(env_dir, "bin", "python")
        _run([env_python, "-m", "pip", "install", "--disable-pip-version-check", "--quiet", *pip_args, REPO],
             "installing mattebox into the runtime environment")
        changes.info["runtime_fingerprint"] = fingerprint
        changes.report(f"installed the runtime in {env_dir}")
    check_runtime(executable)
    if with_model and not changes.info.get("model_installed"):
        install_default_model(executable, changes)
        changes.info["model_installed"] = True
    return executable


# ---------------------------------------------------------------------------------------------- host library


def _package_files(package_dir: str, prefix: str) -> Dict[str, str]:
    out = {}
    for root, dirs, files in os.walk(package_dir):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if name.endswith((".pyc", ".pyo")):
                continue
            src = os.path.join(root, name)
            out[os.path.join(prefix, os.path.relpath(src, package_dir))] = src
    return out


def pyblish_dir(python: str = sys.executable) -> str:
    """The ``pyblish`` package folder (pyblish-base is pure Python, so any Python's copy serves every host)."""
    spec = importlib.util.find_spec("pyblish")
    if spec is not None and spec.submodule_search_locations:
        return list(spec.submodule_search_locations)[0]
    raise InstallError("pyblish-base is not installed for this Python; run `python -m pip install pyblish-base` "
                       "and the installer again")


def host_library_sources(repo: str = REPO) -> Dict[str, str]:
    """What host Pythons import: ``mattebox`` (package file and ``publish``), the host adapters, pyblish."""
    sources = {os.path.join("mattebox", "__init__.py"): os.path.join(repo, "core", "mattebox", "__init__.py")}
    sources.update(_package_files(os.path.join(repo, "core", "mattebox", "publish"), os.path.join("mattebox", "publish")))
    for host in ("mattebox_resolve", "mattebox_nuke"):
        sources.update(_package_files(os.path.join(repo, "hosts", host), host))
    sources.update(_package_files(pyblish_dir(), "pyblish"))
    return sources


# ---------------------------------------------------------------------------------------------------- the hosts


def resolve_entry_script(layout: Layout, repo: str = REPO) -> str:
    """The Resolve Scripts-menu entry, pointing at this install's host library."""
    with open(os.path.join(repo, "hosts", "mattebox_resolve", "entry.py"), encoding="utf-8") as fh:
        template = fh.read()
    line = "HOST_LIB = {}  # written by the mattebox installer".format(json.dumps(layout.host_lib_dir))
    script, count = re.subn(r"^HOST_LIB = .*$", lambda _: line, template, count=1, flags=re.M)
    if count != 1:
        raise InstallError("hosts/mattebox_resolve/entry.py has no HOST_LIB line to fill in")
    return script


def install_resolve(layout: Layout, changes: Changes, repo: str = REPO) -> None:
    changes.write_file(layout.resolve_entry_script, resolve_entry_script(layout, repo))


def nuke_init_block(layout: Layout) -> str:
    return "import nuke\nnuke.pluginAddPath({})".format(json.dumps(layout.nuke_plugin_dir))


def install_nuke(layout: Layout, changes: Changes, repo: str = REPO) -> None:
    startup = os.path.join(repo, "hosts", "mattebox_nuke", "startup")
    changes.sync_tree({name: os.path.join(startup, name) for name in ("init.py", "menu.py")}, layout.nuke_plugin_dir)
    changes.add_block(os.path.join(layout.nuke_home, "init.py"), nuke_init_block(layout))


def _folders(root: str) -> set:
    return {folder for folder, _, _ in os.walk(root)} if os.path.isdir(root) else set()


def _fingerprint(paths: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for base in paths:
        files = [base] if os.path.isfile(base) else sorted(
            os.path.join(root, f) for root, _, names in os.walk(base) if "__pycache__" not in root for f in names)
        for path in files:
            digest.update(os.path.relpath(path, REPO).encode())
            with open(path, "rb") as fh:
                digest.update(hashlib.sha256(fh.read()).digest())
    return digest.hexdigest()


def install_blender(layout: Layout, changes: Changes, repo: str = REPO) -> None:
    """The Blender extension, through ``installers/blender_extension.py`` (it knows Blender's extension folders).

    Skipped when the same sources are already installed; the folders it creates are recorded for uninstall.
    """
    try:
        import blender_extension
    except ImportError:
        raise InstallError("Blender: installers/blender_extension.py is missing from this checkout") from None
    fingerprint = _fingerprint([os.path.join(repo, "hosts", "mattebox_blender"), os.path.join(repo, "core", "mattebox", "publish"),
                                os.path.join(repo, "core", "mattebox", "__init__.py"), os.path.join(HERE, "blender_extension.py"),
                                os.path.join(HERE, "host_wheel.py")])
    recorded = changes.info.get("blender") or {}
    if recorded.get("fingerprint") == fingerprint and all(os.path.exists(p) for p in recorded.get("paths", [])):
        changes.report(f"unchanged Blender extension in {layout.blender_config_dir}")
        return
    folders_before = _folders(layout.blender_config_dir)
    try:
        installed = blender_extension.install_for_user(layout.blender_config_dir, environ=layout.environ)
    except blender_extension.ExtensionError as exc:
        raise InstallError(f"Blender: {exc}") from None
    trees = [p for p in installed if os.path.isdir(p)]
    for path in installed:
        if path in trees:
            changes.adopt_tree(path)
        elif not changes.owns(path):
            changes.entries.append({"kind": "file", "path": path})
    for folder in sorted(_folders(layout.blender_config_dir) - folders_before):
        if not any(folder == t or folder.startswith(t + os.sep) for t in trees) and not changes.owns(folder):
            changes.entries.append({"kind": "dir", "path": folder})
    changes.info["blender"] = {"fingerprint": fingerprint, "paths": sorted(set(recorded.get("paths", [])) | set(installed))}
    changes.report(f"installed the Blender extension in {layout.blender_config_dir}")


INSTALLERS = {"resolve": install_resolve, "nuke": install_nuke, "blender": install_blender}


# ------------------------------------------------------------------------------------------------------- driver


def run_install(layout: Layout, hosts: Optional[List[str]] = None, runtime: Optional[str] = None, *,
                pip_args: Sequence[str] = (), with_model: bool = True, report: Callable[[str], None] = print) -> List[str]:
    """Install the runtime (or record ``runtime``) and the adapters of ``hosts`` (default: the detected ones).

    :returns: the hosts set up.
    """
    changes = Changes(layout.manifest_path, report)
    try:
        chosen = detect_hosts(layout) if hosts is None else hosts
        executable = check_runtime(runtime) if runtime else create_runtime(layout, changes, pip_args=pip_args,
                                                                           with_model=with_model)
        changes.write_file(layout.runtime_config, json.dumps({"runtime": executable}, indent=1))
        if any(h in chosen for h in ("resolve", "nuke")):
            changes.sync_tree(host_library_sources(), layout.host_lib_dir)
        for host in HOSTS:
            if host in chosen:
                INSTALLERS[host](layout, changes)
        changes.info["hosts"] = sorted(set(changes.info.get("hosts", [])) | set(chosen))
    finally:
        changes.save()
    report(f"mattebox is set up for: {', '.join(chosen) if chosen else 'no host (none found; use --hosts)'}")
    return chosen


def run_uninstall(layout: Layout, report: Callable[[str], None] = print) -> None:
    """Remove everything the manifest lists; the user's own lines and files stay."""
    if not os.path.isfile(layout.manifest_path):
        report(f"nothing to remove: no install manifest at {layout.manifest_path}")
        return
    Changes(layout.manifest_path, report).uninstall()
    report("mattebox is uninstalled (the runtime's job store and models you added yourself are kept)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="install.py", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", default=None, help="comma-separated: blender,resolve,nuke (default: the ones found)")
    parser.add_argument("--runtime", default=None, metavar="PATH", help="use this existing `mattebox` instead of creating one")
    parser.add_argument("--uninstall", action="store_true", help="remove what a previous install added")
    parser.add_argument("--no-model", dest="with_model", action="store_false", help="do not fetch the default model")
    parser.add_argument("--pip-args", default="", help="extra pip arguments for the runtime (e.g. offline: "
                        "\"--no-index --find-links DIR\")")
    parser.add_argument("--platform", default=None, choices=("linux", "darwin", "win32"), help=argparse.SUPPRESS)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        layout = Layout(args.platform)
        if args.uninstall:
            run_uninstall(layout)
        else:
            run_install(layout, parse_hosts(args.hosts), args.runtime, pip_args=args.pip_args.split(),
                        with_model=args.with_model)
    except (InstallError, RuntimeError) as exc:
        print(f"install.py: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
