"""The nuke stand-in keeps a node graph, enforces the main thread and renders what it is wired to."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import nuke_harness


def test_create_node_connects_to_the_selection_and_names_uniquely(nuke_session):
    nuke = nuke_session
    read = nuke.createNode("Read", inpanel=False)
    grade = nuke.createNode("Grade", inpanel=False)
    assert grade.input(0) is read and grade.isSelected() and not read.isSelected()
    assert [read.name(), grade.name(), nuke.nodes.Grade().name()] == ["Read1", "Grade1", "Grade2"]


def test_knobs_are_typed_and_unknown_ones_fail(nuke_session):
    nuke = nuke_session
    read = nuke.nodes.Read()
    with pytest.raises(NameError):
        read["no_such_knob"]
    assert read.knob("no_such_knob") is None
    with pytest.raises(ValueError):
        read["before"].setValue("sideways")
    enum = nuke.Enumeration_Knob("task", "Task", ["body", "halfbody"])
    read.addKnob(enum)
    enum.setValue("halfbody")
    assert (enum.value(), enum.getValue()) == ("halfbody", 1.0)
    with pytest.raises(AttributeError):
        nuke.no_such_function()


def test_groups_scope_node_creation(nuke_session):
    nuke = nuke_session
    group = nuke.nodes.Group()
    with group:
        inp = nuke.nodes.Input()
        nuke.nodes.Output(inputs=[inp])
    assert nuke.toNode(f"{group.name()}.Input1") is inp
    assert [n.Class() for n in nuke.allNodes()] == ["Group"]
    assert group.maxInputs() == 1


def test_nodes_are_main_thread_only_and_execute_in_main_thread_queues(nuke_session):
    nuke = nuke_session
    read = nuke.nodes.Read()
    errors, done = [], []

    def worker():
        try:
            read.name()
        except RuntimeError as exc:
            errors.append(str(exc))
        nuke.executeInMainThread(lambda: done.append(read.name()))

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert "executeInMainThread" in errors[0]
    nuke_harness.process_events(until=lambda: bool(done))
    assert done == ["Read1"]


def test_progress_task_records_and_cancels():
    import nuke

    task = nuke.ProgressTask("job")
    task.setProgress(40)
    task.setMessage("frame 4/10")
    with pytest.raises(TypeError):
        task.setProgress(0.5)
    assert not task.isCancelled()
    nuke_harness.cancel(task)
    assert task.isCancelled() and task._progress == [40]


def test_menus_do_not_exist_in_terminal_sessions(nuke_session):
    nuke = nuke_session
    nuke.menu("Nodes").addMenu("mattebox").addCommand("Person", "nuke.nodes.NoOp()")
    nuke_harness.invoke("Nodes", "mattebox/Person")
    assert [n.Class() for n in nuke.allNodes()] == ["NoOp"]
    nuke_harness.reset(gui=False)
    with pytest.raises(RuntimeError, match="terminal"):
        nuke.menu("Nodes")


def test_startup_runs_init_then_menu_and_plugin_paths(nuke_session, tmp_path):
    home = tmp_path
    (home / ".nuke").mkdir()
    extra = tmp_path / "extra"
    extra.mkdir()
    (home / ".nuke" / "init.py").write_text(f"import nuke\nnuke.pluginAddPath({str(extra)!r})\n")
    (extra / "init.py").write_text("")
    (extra / "menu.py").write_text("")
    ran = nuke_harness.startup(str(home))
    assert ran == [str(home / ".nuke" / "init.py"), str(extra / "init.py"), str(extra / "menu.py")]


def test_write_renders_the_upstream_graph(nuke_session, shared_clip, tmp_path):
    nuke = nuke_session
    read = nuke.nodes.Read(file=shared_clip("greenscreen_walker.mp4"), first=1, last=354, origlast=354)
    grade = nuke.nodes.Grade(white=0.5, inputs=[read])
    write = nuke.nodes.Write(file=str(tmp_path / "out.%04d.png"), file_type="png", inputs=[grade])
    nuke.execute(write, 3, 4)
    written = nuke._render(nuke.nodes.Read(file=str(tmp_path / "out.%04d.png"), first=3, last=4), 4)
    expected = nuke._render(grade, 4)
    assert np.abs(written[..., :3] - expected[..., :3]).max() < 1.5 / 255
    assert not (tmp_path / "out.0002.png").exists() and (tmp_path / "out.0003.png").exists()
