"""mattebox's init.py and menu.py in Nuke's start-up order: init.py is headless-safe, menu.py adds the menu."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import nuke_harness
from fixtures.index_backend import level

STARTUP = Path(__file__).resolve().parents[3] / "hosts" / "mattebox_nuke" / "startup"


def test_terminal_session_runs_init_only_and_a_node_runs_in_place(nuke_session, pyblish_clean, tmp_path, plate, client):
    import pyblish.api

    nuke = nuke_session
    nuke_harness.reset(gui=False)  # nuke -t: nuke.menu() raises, so init.py must not touch menus
    ran = nuke_harness.startup(str(tmp_path / "home"), [str(STARTUP)])
    assert ran == [str(STARTUP / "init.py")]
    assert "nuke" in pyblish.api.registered_hosts()
    import mattebox_nuke.api as api

    read = nuke.nodes.Read(file=plate, first=1, last=40, origfirst=1, origlast=40)
    read.setSelected(True)
    group = api.create_node("body")
    group["backend"].setValue("index")
    report = api.run_node(group, client=client)  # a terminal session runs in place and returns the report
    assert report["ok"], report
    assert group["status"].value().startswith("done: frames 1-40")
    assert np.allclose(nuke._render(group, 40)[:, 40:, 3], level(39), atol=1e-4)


def test_gui_session_runs_init_then_menu(nuke_session, pyblish_clean, tmp_path):
    nuke = nuke_session
    ran = nuke_harness.startup(str(tmp_path / "home"), [str(STARTUP)])
    assert ran == [str(STARTUP / "init.py"), str(STARTUP / "menu.py")]
    entries = [item.name() for item in nuke.menu("Nodes").findItem("mattebox").items()]
    assert entries == ["Person", "Half body", "Key green screen"]
