"""The mattebox node in Nuke (the stand-in): menu, Run with and without a pre-render, wiring, progress, cancel, errors."""

from __future__ import annotations

import numpy as np
import pytest

import nuke_harness
from fixtures.index_backend import level

import mattebox_nuke.api as api


def _plate_read(nuke, path):
    read = nuke.nodes.Read(file=path, first=1, last=40, origfirst=1, origlast=40)
    read.setSelected(True)
    return read


def _node_from_menu(nuke, label="Person"):
    nuke_harness.invoke("Nodes", f"mattebox/{label}")
    group = nuke.selectedNode()
    assert group.Class() == "Group"
    return group


def _run(group, client, timeout=90):
    thread = api.run_node(group, client=client)
    nuke_harness.process_events(until=lambda: not thread.is_alive(), timeout=timeout)
    nuke_harness.process_events()  # the report, shown on the main thread
    return thread


def _index_range(group, first, last):
    """The node set to key source frames ``first``-``last`` with the test backend (not the input's range)."""
    group["backend"].setValue("index")
    group["use_input_range"].setValue(False)
    group["first"].setValue(first)
    group["last"].setValue(last)


def _alpha_band(img):
    """Alpha right of the index backend's transparent left band."""
    return img[:, img.shape[1] // 4 :, 3]


def test_menu_creates_a_connected_node_with_the_task(nuke_gui, plate):
    nuke = nuke_gui
    read = _plate_read(nuke, plate)
    group = _node_from_menu(nuke, "Key green screen")
    assert group.input(0) is read
    assert group["task"].value() == "greenscreen"
    assert (group["first"].value(), group["last"].value()) == (1, 40)
    for knob in ("task", "backend", "model", "output", "first", "last", "run", "cancel", "status"):
        assert group.knob(knob) is not None, knob
    # before any run the node passes its input through
    assert np.array_equal(nuke._render(group, 3), nuke._render(read, 3))


def test_run_on_a_plain_read_uses_the_file_and_wires_a_keyed_layer(nuke_gui, plate, client):
    nuke = nuke_gui
    read = _plate_read(nuke, plate)
    group = _node_from_menu(nuke)
    _index_range(group, 11, 20)
    _run(group, client)
    assert group["status"].value().startswith("done: frames 11-20"), group["status"].value()
    assert nuke._session.executed == []  # no pre-render: the runtime read the plate's own file
    matte = group.node("mattebox_matte")
    assert (matte["first"].value(), matte["last"].value()) == (11, 20)
    for frame in (11, 15, 20):
        out = nuke._render(group, frame)
        plate_rgb = nuke._render(read, frame)[..., :3]
        expected = level(frame - 1)  # Nuke frame f shows source frame f - origfirst
        assert np.allclose(_alpha_band(out), expected, atol=1e-4), frame
        assert np.allclose(out[..., :3], plate_rgb * out[..., 3:], atol=1e-4)  # premultiplied
        assert np.all(out[:, : out.shape[1] // 8 - 1, 3] == 0)
    assert np.all(nuke._render(group, 21)[..., 3] == 0)  # outside the processed range: transparent
    task = nuke_harness.progress_tasks()[0]
    assert task._progress[-1] == 100 and any("frame" in m for m in task._messages)


def test_a_phone_plate_gets_its_matte_in_the_reads_layout(nuke_gui, client, tmp_path):
    """A phone clip shown turned: the Read gives its coded frames, and the node's PNG matte is laid out
    the same way (the runtime writes image sequences as shown unless asked for the coded layout)."""
    from media_factory import make_clip

    nuke = nuke_gui
    phone = make_clip(str(tmp_path / "phone.mp4"), frames=40, width=96, height=64, display=(-90, False, False))
    read = _plate_read(nuke, phone)
    group = _node_from_menu(nuke)
    _index_range(group, 3, 6)
    _run(group, client)
    assert group["status"].value().startswith("done"), group["status"].value()
    for frame in (3, 6):
        out = nuke._render(group, frame)
        assert out.shape[:2] == nuke._render(read, frame).shape[:2] == (64, 96)
        assert np.allclose(_alpha_band(out), level(frame - 1), atol=1e-4), frame
        assert np.all(out[:, : out.shape[1] // 8 - 1, 3] == 0)  # the backend's band, where it put it


def test_run_on_a_processed_input_prerenders_it_first(nuke_gui, plate, client):
    nuke = nuke_gui
    _plate_read(nuke, plate)
    grade = nuke.createNode("Grade", inpanel=False)
    grade["white"].setValue(0.5)
    group = _node_from_menu(nuke)
    assert group.input(0) is grade
    _index_range(group, 5, 12)
    group["output"].setValue("matte")
    _run(group, client)
    assert group["status"].value().startswith("done"), group["status"].value()
    [(write, first, last)] = nuke._session.executed
    assert write.startswith(group.name() + ".") and (first, last) == (5, 12)
    for frame in (5, 9, 12):
        out = nuke._render(group, frame)
        # frame 0 of the pre-rendered movie is Nuke frame 5; the matte alone shows in rgb
        assert np.allclose(out[:, out.shape[1] // 4 :, 0], level(frame - 5), atol=1e-4), frame
    assert [n.Class() for n in group.nodes()].count("Write") == 0  # the temporary Write is gone


def test_cancel_button_stops_the_runtime_job(nuke_gui, plate, client):
    nuke = nuke_gui
    _plate_read(nuke, plate)
    group = _node_from_menu(nuke)
    group["backend"].setValue("index")
    group["options"].setValue("delay=0.1")
    thread = api.run_node(group, client=client)
    nuke_harness.process_events(until=lambda: any(p > 0 for t in nuke_harness.progress_tasks() for p in t._progress),
                                timeout=60)
    nuke_harness.press(group, "cancel")
    nuke_harness.process_events(until=lambda: not thread.is_alive(), timeout=60)
    nuke_harness.process_events()
    assert group["status"].value().startswith("Job.Cancelled"), group["status"].value()
    assert group["label"].value() == "Job.Cancelled" and group["tile_color"].value() == 0xC0392BFF
    job = client.show_job(group["mattebox_job"].value())
    assert job["status"] == "CANCELLED" and job["frames_done"] < 40
    assert group.node("mattebox_matte") is None


def test_cancel_in_the_progress_dialog_stops_the_job(nuke_gui, plate, client):
    nuke = nuke_gui
    _plate_read(nuke, plate)
    group = _node_from_menu(nuke)
    group["backend"].setValue("index")
    group["options"].setValue("delay=0.1")
    thread = api.run_node(group, client=client)
    nuke_harness.process_events(until=lambda: any(p > 0 for t in nuke_harness.progress_tasks() for p in t._progress),
                                timeout=60)
    nuke_harness.cancel(nuke_harness.progress_tasks()[0])
    nuke_harness.process_events(until=lambda: not thread.is_alive(), timeout=60)
    nuke_harness.process_events()
    assert group["status"].value().startswith("Job.Cancelled")
    assert client.show_job(group["mattebox_job"].value())["status"] == "CANCELLED"


@pytest.mark.parametrize("setup, code", [
    ("no input", "Host.NoInput"),
    ("backend error", "InternalServerError.Algo"),
    ("bad options", "InvalidParameter"),
])
def test_errors_are_shown_on_the_node(nuke_gui, plate, client, setup, code):
    nuke = nuke_gui
    if setup != "no input":
        _plate_read(nuke, plate)
    group = _node_from_menu(nuke)
    group["backend"].setValue("index")
    if setup == "backend error":
        group["options"].setValue("fail-at=3")
    if setup == "bad options":
        group["options"].setValue("delay")
    thread = api.run_node(group, client=client)
    if thread is not None:
        nuke_harness.process_events(until=lambda: not thread.is_alive(), timeout=60)
        nuke_harness.process_events()
    assert group["status"].value().startswith(code + ":"), group["status"].value()
    assert group["label"].value() == code and group["tile_color"].value() == 0xC0392BFF


def test_runtime_not_found_is_shown_on_the_node(nuke_gui, plate, tmp_path, monkeypatch):
    nuke = nuke_gui
    _plate_read(nuke, plate)
    group = _node_from_menu(nuke)
    monkeypatch.setenv("MATTEBOX_RUNTIME", str(tmp_path / "no-such-mattebox"))
    assert api.run_node(group) is None
    assert group["status"].value().startswith("Runtime.NotFound:")
