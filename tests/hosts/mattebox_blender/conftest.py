"""Fixtures of the Blender tests (the harness is in ``blender_harness.py``)."""

from __future__ import annotations

import pytest

from blender_harness import build_extension_zip, make_blender_env


@pytest.fixture(scope="session")
def extension_zip(tmp_path_factory) -> str:
    """The extension zip, built once per test session with the real builder."""
    return build_extension_zip(tmp_path_factory.mktemp("extension"))


@pytest.fixture
def blender_env(tmp_path, mattebox_home) -> dict[str, str]:
    return make_blender_env(tmp_path, mattebox_home)
