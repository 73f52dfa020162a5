"""Plugin discovery: entry points, a broken plugin skipped, defaults, task support."""

from __future__ import annotations

import sys

import pytest

from mattebox import hookimpl
from mattebox.errors import MatteboxError
from mattebox.plugins import get_plugin_manager, get_registry
from mattebox.tasks import Task
from tests_paths import FIXTURES  # noqa: F401  (sys.path set by conftest)


@pytest.fixture
def fake_installed(monkeypatch):
    monkeypatch.syspath_prepend(str(FIXTURES / "plugin_dist"))
    monkeypatch.syspath_prepend(str(FIXTURES / "broken_dist"))
    monkeypatch.syspath_prepend(str(FIXTURES))
    yield
    for name in ("mattebox_test_index", "mattebox_test_broken"):
        sys.modules.pop(name, None)


def test_entry_point_backend_is_found_and_broken_one_skipped(fake_installed, caplog):
    registry = get_registry(get_plugin_manager())
    assert "index" in registry.backends
    assert [f.name for f in registry.failures] == ["test_broken"]
    assert "failed to load and was skipped" in caplog.text


def test_autoload_can_be_disabled(fake_installed, monkeypatch):
    monkeypatch.setenv("MATTEBOX_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert "index" not in get_registry(get_plugin_manager()).backends


def test_resolve_refuses_a_task_not_offered():
    from fixtures.index_backend import IndexBackend

    from mattebox.backend import TaskSupport

    class Partial(IndexBackend):
        name = "partial"

        def tasks(self):
            return {Task.GREENSCREEN: TaskSupport(True), Task.HALFBODY: TaskSupport(False, "dropped by the service")}

    class Plugin:
        @hookimpl
        def mattebox_backends(self):
            return [Partial(), IndexBackend()]

    registry = get_registry(get_plugin_manager(autoload=False, plugins=[Plugin()]))
    with pytest.raises(MatteboxError) as err:
        registry.resolve(Task.HALFBODY, "partial")
    assert err.value.code == "Backend.TaskNotOffered"
    assert "dropped by the service" in err.value.message and "--backend index" in err.value.hint


def test_a_plugin_with_an_unknown_hook_is_rejected():
    class Bad:
        @hookimpl
        def mattebox_no_such_hook(self):
            return None

    from pluggy import PluginValidationError

    with pytest.raises(PluginValidationError):
        get_plugin_manager(autoload=False, plugins=[Bad()])


def test_a_remote_backend_is_never_a_silent_fallback():
    from fixtures.index_backend import IndexBackend

    class Paid(IndexBackend):
        name = "paid"
        remote = True

    class Plugin:
        @hookimpl
        def mattebox_backends(self):
            return [Paid()]

    registry = get_registry(get_plugin_manager(autoload=False, plugins=[Plugin()]))
    with pytest.raises(MatteboxError) as err:
        registry.resolve(Task.BODY)
    assert err.value.code == "Backend.NotFound" and "--backend" in err.value.hint
    assert registry.resolve(Task.BODY, "paid").name == "paid"
