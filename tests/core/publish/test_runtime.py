"""Finding the runtime: preferences > MATTEBOX_RUNTIME > the installer's config file > PATH."""

from __future__ import annotations

import json
import os

import pytest

from mattebox.publish import PublishError, find_runtime, write_config
from mattebox.publish.runtime import config_path
from runtime_wrapper import write_runtime


@pytest.fixture
def env(tmp_path):
    return {"PATH": str(tmp_path / "empty-path"), "MATTEBOX_CONFIG_DIR": str(tmp_path / "config")}


def test_order_of_lookup(tmp_path, env, mattebox_home):
    on_path = write_runtime(tmp_path / "path-bin", mattebox_home)
    from_config = write_runtime(tmp_path / "config-bin", mattebox_home)
    from_env = write_runtime(tmp_path / "env-bin", mattebox_home)
    explicit = write_runtime(tmp_path / "prefs-bin", mattebox_home)
    env["PATH"] = os.path.dirname(on_path)
    assert find_runtime(environ=env).executable == on_path
    assert find_runtime(environ=env).origin == "PATH"
    written = write_config(from_config, environ=env)
    assert json.loads(open(written).read()) == {"runtime": from_config}
    found = find_runtime(environ=env)
    assert (found.executable, found.origin) == (from_config, config_path(env))
    env["MATTEBOX_RUNTIME"] = from_env
    assert find_runtime(environ=env).executable == from_env
    found = find_runtime(explicit, environ=env)
    assert (found.executable, found.origin) == (explicit, "preferences")


def test_nothing_found_names_every_place(env):
    with pytest.raises(PublishError) as err:
        find_runtime(environ=env)
    assert err.value.code == "Runtime.NotFound"
    assert "MATTEBOX_RUNTIME" in err.value.message and "runtime.json" in err.value.message and "PATH" in err.value.message
    assert "preferences" in err.value.hint


@pytest.mark.parametrize("where", ["explicit", "env", "config"])
def test_a_set_but_broken_runtime_is_an_error_not_skipped(tmp_path, env, mattebox_home, where):
    # A working runtime is on PATH, but the one the user set is not executable: say so, do not fall back.
    env["PATH"] = os.path.dirname(write_runtime(tmp_path / "path-bin", mattebox_home))
    broken = tmp_path / "not-executable"
    broken.write_text("#!/bin/sh\n")
    explicit = None
    if where == "explicit":
        explicit = str(broken)
    elif where == "env":
        env["MATTEBOX_RUNTIME"] = str(broken)
    else:
        write_config(str(broken), environ=env)
    with pytest.raises(PublishError) as err:
        find_runtime(explicit, environ=env)
    assert err.value.code == "Runtime.NotFound" and str(broken) in err.value.message


def test_unreadable_config_is_reported(env):
    path = config_path(env)
    os.makedirs(os.path.dirname(path))
    with open(path, "w") as fh:
        fh.write("{not json")
    with pytest.raises(PublishError, match="cannot read the runtime config"):
        find_runtime(environ=env)
