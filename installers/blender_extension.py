"""Build the mattebox Blender extension zip, and install it into a user's Blender.

Usage::

    python installers/blender_extension.py --output DIR              # writes DIR/mattebox-<version>.zip
    python installers/blender_extension.py --install [--blender BIN]  # builds, then installs for this user

The zip is built by Blender's own extension CLI (``blender_ext.py build`` then ``validate``), which
runs without a Blender binary: it is found in an installed ``bpy`` wheel, in this checkout's
``.venv-blender``, next to a ``blender`` binary, or at ``BLENDER_EXT_CLI``. The extension carries two
pure-Python wheels: pyblish-base (downloaded once with pip into ``.cache/wheels``, or taken from
``--wheel-dir``) and ``mattebox-host`` (built from this checkout by :mod:`host_wheel`).

Installing uses ``blender --command extension install-file --enable`` when a Blender binary is
found; otherwise the extension is unpacked into every Blender 4.2+ version folder of the user's
config (``<config>/<version>/extensions/user_default/mattebox``, wheels into
``extensions/.local/lib/python3.11/site-packages``) and is enabled in Preferences > Add-ons.
Standard library only.
"""

from __future__ import annotations

import argparse
import glob
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from typing import Mapping, Optional, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from host_wheel import build_host_wheel, host_version  # noqa: E402

__all__ = ["build_extension", "find_extension_cli", "install_for_user", "main"]

EXTENSION_ID = "mattebox"
SOURCE = os.path.join(REPO, "hosts", "mattebox_blender")
WHEEL_CACHE = os.path.join(REPO, ".cache", "wheels")
PYBLISH_REQUIREMENT = "pyblish-base==1.8.12"
BLENDER_PYTHON = "python3.11"  # Blender 4.2 LTS to 5.0 all embed Python 3.11
_CLI_TAIL = os.path.join("scripts", "addons_core", "bl_pkg", "cli", "blender_ext.py")


class ExtensionError(RuntimeError):
    """Building or installing the extension failed; the message says what to do."""


def _cli_in(folder: str) -> Optional[str]:
    hits = sorted(glob.glob(os.path.join(folder, "*", _CLI_TAIL)), reverse=True)  # newest Blender version first
    return hits[0] if hits else None


def find_extension_cli(environ: Optional[Mapping[str, str]] = None) -> str:
    """The path of Blender's ``blender_ext.py`` (see the module docstring for where it is looked for)."""
    environ = os.environ if environ is None else environ
    if environ.get("BLENDER_EXT_CLI"):
        return environ["BLENDER_EXT_CLI"]
    spec = importlib.util.find_spec("bpy")
    candidates = [os.path.dirname(spec.origin)] if spec and spec.origin else []
    candidates += glob.glob(os.path.join(REPO, ".venv-blender", "lib", "python3*", "site-packages", "bpy"))
    blender = shutil.which("blender", path=environ.get("PATH"))
    if blender:
        candidates.append(os.path.dirname(os.path.realpath(blender)))
    for folder in candidates:
        found = _cli_in(folder)
        if found:
            return found
    raise ExtensionError("Blender's extension CLI (blender_ext.py) was not found: install bpy (`bash installers/dev_env.sh` "
                         "creates .venv-blender), put `blender` on PATH, or set BLENDER_EXT_CLI")


def pyblish_wheel(cache: str = WHEEL_CACHE, requirement: str = PYBLISH_REQUIREMENT) -> str:
    """The pyblish-base wheel: from ``cache``, else downloaded there once with pip."""
    version = requirement.split("==")[-1]
    pattern = os.path.join(cache, f"pyblish_base-{version}-*.whl")
    found = sorted(glob.glob(pattern))
    if found:
        return found[-1]
    os.makedirs(cache, exist_ok=True)
    proc = subprocess.run([sys.executable, "-m", "pip", "download", requirement, "--no-deps", "--only-binary=:all:",
                           "--disable-pip-version-check", "-d", cache], capture_output=True, text=True)
    found = sorted(glob.glob(pattern))
    if proc.returncode != 0 or not found:
        raise ExtensionError(f"could not download {requirement} ({proc.stderr.strip()[-300:]}); "
                             f"put its wheel in {cache} or pass --wheel-dir")
    return found[-1]


def _manifest_for_build(text: str, version: str, wheels: Sequence[str]) -> str:
    text = re.sub(r'^version = ".*"$', f'version = "{version}"', text, count=1, flags=re.M)
    listed = "wheels = [\n" + "".join(f'  "./wheels/{os.path.basename(w)}",\n' for w in wheels) + "]\n"
    return re.sub(r"^(license = .*\n)", lambda m: m.group(1) + listed, text, count=1, flags=re.M)


def _run_cli(cli: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, cli, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise ExtensionError(f"blender_ext.py {args[0]} failed: {(proc.stdout + proc.stderr).strip()[-1000:]}")
    return proc.stdout


def build_extension(output_dir: str, *, wheel_dir: Optional[str] = None, cli: Optional[str] = None,
                    source: str = SOURCE) -> str:
    """Build and validate ``mattebox-<version>.zip`` in ``output_dir``; returns its path."""
    cli = cli or find_extension_cli()
    version = host_version()
    os.makedirs(output_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mattebox-extension-") as tmp:
        staging = os.path.join(tmp, EXTENSION_ID)
        shutil.copytree(source, staging, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "wheels"))
        wheels_dir = os.path.join(staging, "wheels")
        os.makedirs(wheels_dir)
        pyblish = pyblish_wheel(wheel_dir) if wheel_dir else pyblish_wheel()
        wheels = [shutil.copy(pyblish, wheels_dir), build_host_wheel(wheels_dir)]
        manifest = os.path.join(staging, "blender_manifest.toml")
        with open(manifest, encoding="utf-8") as fh:
            text = _manifest_for_build(fh.read(), version, wheels)
        with open(manifest, "w", encoding="utf-8") as fh:
            fh.write(text)
        zip_path = os.path.join(os.path.abspath(output_dir), f"{EXTENSION_ID}-{version}.zip")
        _run_cli(cli, "build", "--source-dir", staging, "--output-filepath", zip_path)
    _run_cli(cli, "validate", zip_path)
    return zip_path


# ------------------------------------------------------------------------------------------------ installing


def _version_folders(config_dir: str) -> list[str]:
    folders = []
    for path in glob.glob(os.path.join(config_dir, "[0-9]*.[0-9]*")):
        try:
            major, minor = (int(x) for x in os.path.basename(path).split(".")[:2])
        except ValueError:
            continue
        if (major, minor) >= (4, 2) and os.path.isdir(path):
            folders.append(path)
    return sorted(folders)


def _unpack(zip_path: str, version_dir: str) -> list[str]:
    """Unpack the extension and its wheels into one Blender version's user folder; returns what was created."""
    created = []
    target = os.path.join(version_dir, "extensions", "user_default", EXTENSION_ID)
    if os.path.isdir(target):
        shutil.rmtree(target)
    else:
        created.append(target)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(target)
    site = os.path.join(version_dir, "extensions", ".local", "lib", BLENDER_PYTHON, "site-packages")
    os.makedirs(site, exist_ok=True)
    for wheel in sorted(glob.glob(os.path.join(target, "wheels", "*.whl"))):
        with zipfile.ZipFile(wheel) as zf:
            tops = sorted({name.split("/")[0] for name in zf.namelist()})
            created += [os.path.join(site, t) for t in tops if not os.path.exists(os.path.join(site, t))]
            zf.extractall(site)
    return created


def install_for_user(blender_config_dir: str, environ: Optional[Mapping[str, str]] = None, *,
                     zip_path: Optional[str] = None, blender: Optional[str] = None) -> list[str]:
    """Install the extension for the user whose Blender config is ``blender_config_dir``.

    :returns: the folders and files this added (for an uninstaller).
    """
    environ = dict(os.environ if environ is None else environ)
    with tempfile.TemporaryDirectory(prefix="mattebox-extension-zip-") as tmp:
        zip_path = zip_path or build_extension(tmp)
        blender = blender or shutil.which("blender", path=environ.get("PATH"))
        if blender:
            before = {f: os.path.isdir(os.path.join(f, "extensions", "user_default", EXTENSION_ID))
                      for f in _version_folders(blender_config_dir)}
            proc = subprocess.run([blender, "--background", "--command", "extension", "install-file", "--repo", "user_default",
                                   "--enable", zip_path], env=environ, capture_output=True, text=True)
            if proc.returncode != 0:
                raise ExtensionError(f"Blender could not install the extension: {(proc.stdout + proc.stderr).strip()[-800:]}")
            return [os.path.join(f, "extensions", "user_default", EXTENSION_ID) for f in _version_folders(blender_config_dir)
                    if not before.get(f) and os.path.isdir(os.path.join(f, "extensions", "user_default", EXTENSION_ID))]
        folders = _version_folders(blender_config_dir)
        if not folders:
            raise ExtensionError(f"no Blender 4.2+ settings folder in {blender_config_dir}: start Blender once, "
                                 "or pass --blender with the path of the blender program")
        created = []
        for folder in folders:
            created += _unpack(zip_path, folder)
        return created


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Build (and install) the mattebox Blender extension.")
    parser.add_argument("--output", metavar="DIR", help="write the extension zip into DIR")
    parser.add_argument("--install", action="store_true", help="install it for this user")
    parser.add_argument("--blender", default=None, help="the blender program (default: `blender` on PATH)")
    parser.add_argument("--config-dir", default=None, help="Blender's per-user folder (default: the platform's)")
    parser.add_argument("--wheel-dir", default=None, help="a folder holding the pyblish-base wheel (offline builds)")
    args = parser.parse_args(argv)
    if not args.output and not args.install:
        parser.error("give --output DIR and/or --install")
    try:
        zip_path = build_extension(args.output or tempfile.mkdtemp(prefix="mattebox-extension-"), wheel_dir=args.wheel_dir)
        print(json.dumps({"zip": zip_path}))
        if args.install:
            config = args.config_dir or _default_config_dir()
            for path in install_for_user(config, zip_path=zip_path, blender=args.blender):
                print(json.dumps({"installed": path}))
    except ExtensionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _default_config_dir() -> str:
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        return os.path.join(os.environ.get("APPDATA") or os.path.join(home, "AppData", "Roaming"), "Blender Foundation", "Blender")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Application Support", "Blender")
    return os.path.join(os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"), "blender")


if __name__ == "__main__":
    sys.exit(main())
