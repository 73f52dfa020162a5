"""Build ``mattebox-host``: a pure-Python wheel of the host side (``mattebox/__init__.py`` and ``mattebox.publish``).

Host integrations install it into the host's own Python (a Blender extension lists it in its
manifest's ``wheels``). It holds no runtime code and depends only on pyblish-base. Standard library
only; the wheel is reproducible (fixed timestamps, sorted entries).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import zipfile

__all__ = ["build_host_wheel", "host_version"]

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CORE = os.path.join(REPO, "core", "mattebox")
DIST = "mattebox_host"
_EPOCH = (2020, 1, 1, 0, 0, 0)


def host_version(core: str = CORE) -> str:
    """``mattebox.__version__``, read from the source (nothing is imported)."""
    with open(os.path.join(core, "__init__.py"), encoding="utf-8") as fh:
        match = re.search(r'^__version__\s*=\s*"([^"]+)"', fh.read(), re.M)
    if not match:
        raise RuntimeError("no __version__ in core/mattebox/__init__.py")
    return match.group(1)


def _files(core: str) -> list[tuple[str, str]]:
    """``(archive name, source path)`` of every file the wheel holds."""
    files = [("mattebox/__init__.py", os.path.join(core, "__init__.py"))]
    publish = os.path.join(core, "publish")
    for folder, dirs, names in os.walk(publish):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                files.append(("mattebox/" + os.path.relpath(path, core).replace(os.sep, "/"), path))
    return files


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_host_wheel(output_dir: str, core: str = CORE, pyblish_requirement: str = "pyblish-base>=1.8") -> str:
    """Write ``mattebox_host-<version>-py3-none-any.whl`` into ``output_dir``; returns its path."""
    version = host_version(core)
    info = f"{DIST}-{version}.dist-info"
    metadata = "\n".join([
        "Metadata-Version: 2.1", f"Name: mattebox-host", f"Version: {version}",
        "Summary: mattebox on the host side: the runtime client and the shared pyblish pipeline",
        "License: Apache-2.0", "Requires-Python: >=3.6", f"Requires-Dist: {pyblish_requirement}", "",
    ]).encode()
    wheel = b"Wheel-Version: 1.0\nGenerator: mattebox installers/host_wheel.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entries = [(name, open(path, "rb").read()) for name, path in _files(core)]
    entries += [(f"{info}/METADATA", metadata), (f"{info}/WHEEL", wheel)]
    record = "\n".join([_record_line(n, d) for n, d in entries] + [f"{info}/RECORD,,", ""]).encode()
    os.makedirs(output_dir, exist_ok=True)
    path = os.path.join(output_dir, f"{DIST}-{version}-py3-none-any.whl")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries + [(f"{info}/RECORD", record)]:
            item = zipfile.ZipInfo(name, date_time=_EPOCH)
            item.external_attr = 0o644 << 16
            item.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(item, data)
    return path
