"""Installer tests: the installers folder on the path and a real runtime executable."""

from __future__ import annotations

import pytest

import install_helpers  # noqa: F401  (puts installers/ on sys.path)


@pytest.fixture
def runtime(tmp_path, mattebox_home) -> str:
    from runtime_wrapper import write_runtime

    return write_runtime(tmp_path / "runtime-bin", mattebox_home)
