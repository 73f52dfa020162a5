"""Host-adapter tests: the Resolve/Nuke stand-ins on ``sys.path`` and a fresh Nuke session per test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

STANDINS = Path(__file__).resolve().parent / "standins"
if str(STANDINS) not in sys.path:
    sys.path.insert(0, str(STANDINS))


@pytest.fixture
def nuke_session():
    """A fresh GUI Nuke session; the stand-in's main thread is the test's thread."""
    import nuke
    import nuke_harness

    nuke_harness.reset(gui=True)
    yield nuke
    nuke_harness.reset(gui=True)


@pytest.fixture
def fusion_ui():
    import fusion_standin

    fusion_standin.reset()
    yield fusion_standin
    fusion_standin.reset()


@pytest.fixture
def pyblish_clean():
    """Leave pyblish's global registrations (hosts, paths, plugins) as they were."""
    import pyblish.api

    state = (list(pyblish.api.registered_hosts()), list(pyblish.api.registered_paths()),
             list(pyblish.api.registered_plugins()))
    yield
    pyblish.api.deregister_all_paths()
    pyblish.api.deregister_all_hosts()
    pyblish.api.deregister_all_plugins()
    for host in state[0]:
        pyblish.api.register_host(host)
    for path in state[1]:
        pyblish.api.register_plugin_path(path)
    for plugin in state[2]:
        pyblish.api.register_plugin(plugin)


@pytest.fixture
def runtime(tmp_path, mattebox_home) -> str:
    """A real ``mattebox`` executable (the test backends on its path, this test's job store)."""
    from runtime_wrapper import write_runtime

    return write_runtime(tmp_path / "bin", mattebox_home)


@pytest.fixture
def client(runtime):
    from mattebox.publish import RuntimeClient

    return RuntimeClient(explicit=runtime)
