"""Fixtures for the host-side pipeline: a real runtime executable, clips, a clean pyblish registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from media_factory import make_clip
from runtime_wrapper import write_runtime

HOST_PLUGINS = Path(__file__).resolve().parent / "host_plugins"


@pytest.fixture
def runtime(tmp_path, mattebox_home) -> str:
    """Path of a real ``mattebox`` executable whose job store is this test's MATTEBOX_HOME."""
    return write_runtime(tmp_path / "bin", mattebox_home)


@pytest.fixture
def client(runtime):
    from mattebox.publish import RuntimeClient

    return RuntimeClient(explicit=runtime)


@pytest.fixture
def clip(tmp_path):
    """A generated 40-frame 96x64 clip at 25 fps whose frames show their index."""
    return make_clip(str(tmp_path / "clip.mp4"), frames=40, width=96, height=64)


@pytest.fixture
def pyblish_clean():
    """Leave pyblish's global registrations as they were."""
    import pyblish.api

    hosts, paths, plugins = list(pyblish.api.registered_hosts()), list(pyblish.api.registered_paths()), list(pyblish.api.registered_plugins())
    yield
    pyblish.api.deregister_all_paths()
    pyblish.api.deregister_all_hosts()
    pyblish.api.deregister_all_plugins()
    for host in hosts:
        pyblish.api.register_host(host)
    for path in paths:
        pyblish.api.register_plugin_path(path)
    for plugin in plugins:
        pyblish.api.register_plugin(plugin)
