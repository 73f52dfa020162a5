"""The host side must load in any host's Python: standard library + pyblish, Python 3.6 syntax and runtime."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
HOST_SIDE = sorted(
    [REPO / "core" / "mattebox" / "__init__.py"]
    + list((REPO / "core" / "mattebox" / "publish").rglob("*.py"))
    + [p for p in (REPO / "hosts").rglob("*.py")]
)
_BUILTIN_GENERICS = {"list", "dict", "tuple", "set", "frozenset", "type"}


def _py36_problems(path: Path) -> list[str]:
    source = path.read_text()
    tree = ast.parse(source, str(path), feature_version=(3, 6))  # rejects walrus, positional-only, ...
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "__future__" and any(a.name == "annotations" for a in node.names):
            problems.append(f"{node.lineno}: from __future__ import annotations (Python 3.7+)")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if any(n.split(".")[0] == "dataclasses" for n in names):
                problems.append(f"{node.lineno}: dataclasses (Python 3.7+)")
        annotations = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            annotations += [a.annotation for a in node.args.args + node.args.kwonlyargs if a.annotation] + [node.returns]
        if isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        for ann in filter(None, annotations):
            for sub in ast.walk(ann):
                if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.BitOr):
                    problems.append(f"{sub.lineno}: X | Y annotation (Python 3.10+)")
                if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name) and sub.value.id in _BUILTIN_GENERICS:
                    problems.append(f"{sub.lineno}: {sub.value.id}[...] annotation (Python 3.9+)")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "run":
            if any(k.arg in ("capture_output", "text") for k in node.keywords):
                problems.append(f"{node.lineno}: subprocess.run(capture_output/text) (Python 3.7+)")
        if isinstance(node, ast.Attribute) and node.attr == "SimpleQueue":
            problems.append(f"{node.lineno}: queue.SimpleQueue (Python 3.7+)")
    return problems


def test_there_is_host_side_code_to_check():
    names = {p.name for p in HOST_SIDE}
    assert {"client.py", "session.py", "validate_limits.py"} <= names


@pytest.mark.parametrize("path", HOST_SIDE, ids=lambda p: str(p.relative_to(REPO)))
def test_python36_compatible(path):
    assert _py36_problems(path) == []


def test_the_checker_catches_what_it_claims(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from __future__ import annotations\nimport dataclasses\n"
                   "def f(x: int | None) -> list[int]:\n    return subprocess.run([], capture_output=True)\n")
    assert len(_py36_problems(bad)) == 5
    bad.write_text("if (n := 1):\n    pass\n")
    with pytest.raises(SyntaxError):
        _py36_problems(bad)


def test_imports_without_the_runtimes_dependencies():
    """numpy, pluggy, PyAV, OpenCV and the runtime's own modules are not needed (nor imported) by the host side."""
    code = r"""
import importlib.abc, sys
BLOCKED = {"numpy", "pluggy", "av", "cv2", "platformdirs", "rich", "onnxruntime", "requests"}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError("host side imported " + name)
sys.meta_path.insert(0, Block())
import mattebox.publish, mattebox.publish.session, mattebox.publish.plugins
import pyblish.api
mattebox.publish.install("blender")
from mattebox.publish.pipeline import discover_plugins
names = sorted(p.__name__ for p in discover_plugins())
runtime_modules = sorted(m for m in sys.modules if m.startswith("mattebox.") and not m.startswith("mattebox.publish"))
print(names, runtime_modules)
assert runtime_modules == [], runtime_modules
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "ExtractMatte" in proc.stdout and "ValidateLimits" in proc.stdout
