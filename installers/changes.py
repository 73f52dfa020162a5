"""Idempotent file changes with a manifest, so that ``--uninstall`` removes exactly what was added.

Three kinds of change are recorded in ``manifest.json``:

- ``file``: a file the installer wrote (the Resolve entry script, the runtime config);
- ``tree``: a folder the installer owns entirely (the host library, the runtime environment);
- ``block``: a marked block of lines in a file the user owns (``~/.nuke/init.py``); everything
  outside the markers is the user's and is never touched.

Writing what is already there changes nothing (not even a file's modification time), so a second
install is a no-op. A file the manifest does not list is never overwritten unless its content is
already what would be written: the installer does not clobber the user's own files.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
from typing import Callable, Dict, List, Optional

__all__ = ["BEGIN", "END", "Changes", "InstallError", "remove_block", "set_block"]

BEGIN = "# >>> mattebox >>> (added by the mattebox installer; `install.py --uninstall` removes this block)"
END = "# <<< mattebox <<<"


class InstallError(Exception):
    """A problem the user must fix; the message says what and how."""


def _read(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def set_block(text: str, body: str) -> str:
    """``text`` with the mattebox block holding ``body`` (replacing an existing block in place, else appended)."""
    nl = _newline(text) if text else "\n"
    block = nl.join([BEGIN] + body.rstrip("\n").split("\n") + [END]) + nl
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == BEGIN]
    if starts:
        start = starts[0]
        end = next((i for i in range(start, len(lines)) if lines[i].rstrip("\r\n") == END), None)
        if end is None:
            raise InstallError("a mattebox block has no end marker; fix or remove it by hand")
        return "".join(lines[:start]) + block + "".join(lines[end + 1:])
    if text and not text.endswith(("\n", "\r")):
        text += nl
    return text + block


def remove_block(text: str, added_newline: bool = False) -> str:
    """``text`` without the mattebox block; every other line, and its line ending, is kept.

    :param added_newline: the installer ended the user's last line to append the block: undo that too.
    """
    lines = text.splitlines(keepends=True)
    out: List[str] = []
    inside = False
    for line in lines:
        stripped = line.rstrip("\r\n")
        if stripped == BEGIN:
            inside = True
            if added_newline and out:
                out[-1] = out[-1].rstrip("\r\n")
            continue
        if inside:
            if stripped == END:
                inside = False
            continue
        out.append(line)
    return "".join(out)


class Changes:
    """The install manifest and the operations that keep it.

    :param manifest_path: where the manifest lives (inside the install folder).
    :param report: called with one line per change (``wrote``, ``unchanged``, ``removed``).
    """

    def __init__(self, manifest_path: str, report: Callable[[str], None] = print) -> None:
        self.manifest_path = manifest_path
        self.report = report
        data = json.loads(_read(manifest_path) or "{}")
        self.entries: List[Dict] = list(data.get("entries", []))
        self.info: Dict = dict(data.get("info", {}))

    # -- bookkeeping
    def _entry(self, kind: str, path: str) -> Optional[Dict]:
        return next((e for e in self.entries if e["kind"] == kind and e["path"] == path), None)

    def _record(self, kind: str, path: str, **extra) -> Dict:
        entry = self._entry(kind, path)
        if entry is None:
            entry = {"kind": kind, "path": path, **extra}
            self.entries.append(entry)
        return entry

    def owns(self, path: str) -> bool:
        return any(e["path"] == path for e in self.entries)

    def save(self) -> None:
        self._makedirs(os.path.dirname(self.manifest_path))  # first: the folders it creates are recorded too
        data = json.dumps({"version": 1, "info": self.info, "entries": self.entries}, indent=1, sort_keys=True) + "\n"
        if _read(self.manifest_path) == data:
            return
        tmp = self.manifest_path + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(data)
        os.replace(tmp, self.manifest_path)

    def _makedirs(self, folder: str) -> None:
        """Create ``folder`` and record each level created, so uninstall can remove the empty ones."""
        missing = []
        while folder and not os.path.isdir(folder):
            missing.append(folder)
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
        for path in reversed(missing):
            os.mkdir(path)
            self._record("dir", path)

    # -- changes
    def write_file(self, path: str, content: str, mode: Optional[int] = None) -> bool:
        """Write ``content`` to ``path`` unless it is already there; returns True if the file changed."""
        current = _read(path)
        if current == content:
            self._record("file", path)
            self.report(f"unchanged {path}")
            return False
        if current is not None and self._entry("file", path) is None:
            raise InstallError(f"{path} exists and was not installed by mattebox; move it away and run the installer again")
        self._makedirs(os.path.dirname(path))
        tmp = path + ".mattebox-tmp"
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(content)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
        self._record("file", path)
        self.report(f"wrote {path}")
        return True

    def sync_tree(self, sources: Dict[str, str], dest: str) -> bool:
        """Make ``dest`` hold exactly ``sources`` (``{relative path: source file}``); returns True if anything changed."""
        self._makedirs(dest)
        self._record("tree", dest)
        changed = False
        wanted = {os.path.normpath(rel) for rel in sources}
        for rel, src in sorted(sources.items()):
            target = os.path.join(dest, rel)
            if os.path.isfile(target) and filecmp.cmp(src, target, shallow=False):
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(src, target)
            changed = True
        for root, dirs, files in os.walk(dest, topdown=False):
            for name in files:
                rel = os.path.normpath(os.path.relpath(os.path.join(root, name), dest))
                if rel not in wanted:
                    os.remove(os.path.join(root, name))
                    changed = True
            for name in dirs:
                path = os.path.join(root, name)
                if not os.listdir(path):
                    os.rmdir(path)
        self.report(f"{'updated' if changed else 'unchanged'} {dest}")
        return changed

    def adopt_tree(self, dest: str) -> None:
        """Record ``dest`` (made by another program on our behalf, e.g. ``venv``) as owned."""
        self._record("tree", dest)

    def add_block(self, path: str, body: str) -> bool:
        """Put ``body`` in the mattebox block of ``path`` (creating the file if needed); True if it changed."""
        current = _read(path)
        entry = self._entry("block", path)
        if entry is None:
            entry = self._record("block", path, created_file=current is None)
        updated = set_block(current or "", body)
        if current and BEGIN not in current and not current.endswith(("\n", "\r")):
            entry["added_newline"] = True
        if updated == current:
            self.report(f"unchanged {path}")
            return False
        self._makedirs(os.path.dirname(path))
        tmp = path + ".mattebox-tmp"
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(updated)
        os.replace(tmp, path)
        self.report(f"{'wrote' if current is None else 'updated'} {path}")
        return True

    # -- undo
    def uninstall(self) -> None:
        """Undo every recorded change, newest first, then remove the manifest."""
        for entry in reversed(self.entries):
            kind, path = entry["kind"], entry["path"]
            if kind == "file" and os.path.isfile(path):
                os.remove(path)
                self.report(f"removed {path}")
            elif kind == "tree" and os.path.isdir(path):
                shutil.rmtree(path)
                self.report(f"removed {path}")
            elif kind == "block":
                current = _read(path)
                if current is None:
                    continue
                rest = remove_block(current, added_newline=bool(entry.get("added_newline")))
                if entry.get("created_file") and not rest.strip():
                    os.remove(path)
                    self.report(f"removed {path}")
                elif rest != current:
                    with open(path, "w", encoding="utf-8", newline="") as fh:
                        fh.write(rest)
                    self.report(f"removed the mattebox block from {path}")
        if os.path.isfile(self.manifest_path):
            os.remove(self.manifest_path)
        for entry in sorted((e for e in self.entries if e["kind"] == "dir"), key=lambda e: -len(e["path"])):
            path = entry["path"]
            if os.path.isdir(path) and not os.listdir(path):
                os.rmdir(path)
        self.entries = []
