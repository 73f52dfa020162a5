#!/usr/bin/env bash
# Development/test environments, from the repo's own files (what CI runs before the tests):
#   .venv          the runtime + test extras (editable install of this repo)
#   .venv-blender  Blender 5.0 as a Python module (bpy 5.0.1 needs Python 3.11 and numpy<2), with
#                  this repo installed without its heavy dependencies, for tests in real bpy.
# Idempotent: a second run only checks that everything is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
PY311=${PYTHON311:-python3.11}
PIP_FLAGS=(--disable-pip-version-check --quiet)

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install "${PIP_FLAGS[@]}" --upgrade pip
.venv/bin/python -m pip install "${PIP_FLAGS[@]}" -e ".[test]"

if ! command -v "$PY311" >/dev/null 2>&1; then
  if "$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then PY311=$PY; else
    echo "dev_env: Python 3.11 is needed for bpy 5.0.1 (set PYTHON311=...)" >&2; exit 1; fi
fi
if [ ! -x .venv-blender/bin/python ]; then
  "$PY311" -m venv .venv-blender
fi
.venv-blender/bin/python -m pip install "${PIP_FLAGS[@]}" --upgrade pip
# bpy pulls numpy 1.26 and breaks with numpy>=2; OpenCV must match (docs/hosts.md).
.venv-blender/bin/python -m pip install "${PIP_FLAGS[@]}" "bpy==5.0.1" "numpy<2" "opencv-python-headless<4.12" pyblish-base
.venv-blender/bin/python -m pip install "${PIP_FLAGS[@]}" --no-deps -e .
echo "dev_env: .venv ($(.venv/bin/python -V)) and .venv-blender ($(.venv-blender/bin/python -V)) ready"
