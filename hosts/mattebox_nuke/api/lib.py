"""Nuke-side work of a mattebox node: what to send to the runtime, and wiring the result into the group.

Everything here touches nodes, so it runs on Nuke's main thread only (the publish plugins call it
through ``nuke.executeInMainThreadWithResult``). Frame arithmetic is kept in small pure functions.

Frame mapping: a Read of a movie shows movie frame ``f - origfirst`` at Nuke frame ``f``, so the
Nuke range ``first..last`` of a plain Read is source range ``first - origfirst .. last - origfirst``.
Anything else upstream (a Grade, a sequence the runtime cannot decode) is rendered to a temporary
movie first, whose frame 0 is Nuke frame ``first``. Either way the matte's PNG files are numbered by
Nuke frame (``--start-number first``), so the Read inside the group lines up without an offset.
"""

import os
import tempfile
import threading

import nuke

from mattebox.publish import PublishError

__all__ = ["MOVIE_EXTENSIONS", "cancel_requested", "on_main_thread", "is_plain_movie_read", "output_folder", "show_report",
           "show_status", "snapshot", "source_range", "wire_result"]

MOVIE_EXTENSIONS = (".mov", ".mp4", ".m4v", ".mkv", ".avi", ".mxf", ".webm")
MATTE_READ, COPY, PREMULT = "mattebox_matte", "mattebox_copy", "mattebox_premult"
RED, GREEN = 0xC0392BFF, 0x2E8B57FF


def on_main_thread(func, *args):
    """``func(*args)`` on Nuke's main thread: directly when already there, else through Nuke's queue."""
    if threading.current_thread() is threading.main_thread():
        return func(*args)
    return nuke.executeInMainThreadWithResult(func, args)


def source_range(first, last, origfirst):
    """The 0-based source frames a plain movie Read shows over Nuke frames ``first..last``."""
    return first - origfirst, last - origfirst


def is_plain_movie_read(node):
    """True for an enabled Read of a movie file: the runtime can decode its file directly."""
    return (node is not None and node.Class() == "Read" and not node["disable"].value()
            and node["file"].value().lower().endswith(MOVIE_EXTENSIONS))


def output_folder(group):
    """Where the node's files go: its ``output_dir`` knob, else ``mattebox/`` beside the saved script, else a temp folder."""
    chosen = group["output_dir"].value().strip()
    if chosen:
        return os.path.abspath(os.path.expanduser(chosen))
    script = nuke.root()["name"].value()
    if script:
        return os.path.join(os.path.dirname(os.path.abspath(script)), "mattebox")
    return os.path.join(tempfile.gettempdir(), "mattebox")


def _group(name):
    group = nuke.toNode(name)
    if group is None:
        raise PublishError("Host.NodeGone", "the mattebox node {} was deleted".format(name))
    return group


def _child(group, cls):
    return next((n for n in group.nodes() if n.Class() == cls), None)


def _frame_range(group, upstream):
    if group["use_input_range"].value():
        r = upstream.frameRange()
        return r.first(), r.last()
    return int(group["first"].value()), int(group["last"].value())


def _prerender(group, path, first, last):
    """Render the group's input over ``first..last`` into a movie whose frame 0 is Nuke frame ``first``."""
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder)
    with group:
        write = nuke.nodes.Write(inputs=[_child(group, "Input")])
        try:
            write["file"].setValue(path)
            write["file_type"].setValue("mov")
            if write.knob("mov64_codec") is not None:
                write["mov64_codec"].setValue("ap4h")
            write["channels"].setValue("rgb")
            write["create_directories"].setValue(True)
            nuke.execute(write, first, last)
        finally:
            nuke.delete(write)


def snapshot(name, settings):
    """Read the node ``name``, pre-render its input when needed; returns the plain data the collector sends.

    :returns: ``{"label", "source", "frames", "first", "last", "start_number", "matte", "prerendered",
        "source_frames", "problems"}``.
    """
    group = _group(name)
    label = "node {}".format(name)
    problems = []
    upstream = group.input(0)
    folder = output_folder(group)
    data = {"label": label, "matte": os.path.join(folder, "{}_matte.%04d.png".format(name.replace(".", "_"))),
            "prerendered": False, "source": "", "frames": None, "first": 0, "last": 0, "start_number": 0,
            "source_frames": None, "problems": problems}
    if upstream is None:
        problems.append({"code": "Host.NoInput", "message": "{}: nothing is connected to its input".format(label),
                         "hint": "connect the plate (a Read or any node) to the mattebox node"})
        return data
    first, last = _frame_range(group, upstream)
    data.update(first=first, last=last, start_number=first)
    if last < first:
        problems.append({"code": "InvalidParameter", "message": "{}: the frame range {}-{} is empty".format(label, first, last)})
        return data
    if is_plain_movie_read(upstream):
        origfirst = upstream["origfirst"].value()
        data["source"] = upstream["file"].value()
        data["frames"] = source_range(first, last, origfirst)
        data["source_frames"] = upstream["origlast"].value() - origfirst + 1
        if first < upstream["first"].value() or last > upstream["last"].value():
            problems.append({"code": "InvalidParameter", "message": "{}: frames {}-{} are outside {}'s range {}-{}".format(
                label, first, last, upstream.name(), upstream["first"].value(), upstream["last"].value())})
        return data
    path = os.path.join(folder, "{}_input.mov".format(name.replace(".", "_")))
    _prerender(group, path, first, last)
    data.update(source=path, prerendered=True, source_frames=last - first + 1)
    return data


def wire_result(name, matte, first, last, mode):
    """Inside the group: Read of the matte -> Copy red into the plate's alpha -> Premult -> Output (``keyed``),
    or the matte alone (``matte``). Re-running reuses the same nodes."""
    group = _group(name)
    with group:
        source = _child(group, "Input")
        output = _child(group, "Output")
        read = group.node(MATTE_READ) or nuke.nodes.Read(name=MATTE_READ)
        read["file"].setValue(matte)
        for knob, value in (("origfirst", first), ("origlast", last), ("first", first), ("last", last)):
            read[knob].setValue(value)
        read["before"].setValue("black")
        read["after"].setValue("black")
        read["raw"].setValue(True)  # a matte is data: no colourspace conversion
        copy = group.node(COPY) or nuke.nodes.Copy(name=COPY)
        copy.setInput(0, source)
        copy.setInput(1, read)
        copy["from0"].setValue("rgba.red")
        copy["to0"].setValue("rgba.alpha")
        premult = group.node(PREMULT) or nuke.nodes.Premult(name=PREMULT)
        premult.setInput(0, copy)
        output.setInput(0, premult if mode == "keyed" else read)
    return True


def cancel_requested(name):
    """The node's Cancel button was pressed (or the node is gone)."""
    group = nuke.toNode(name)
    return group is None or bool(group["mattebox_cancel"].value())


def show_status(name, text, error=False, done=False):
    """Write ``text`` into the node's status; errors also turn the node red and name the code under it."""
    group = nuke.toNode(name)
    if group is None:
        return
    group["status"].setValue(text)
    if error:
        group["tile_color"].setValue(RED)
        group["label"].setValue(text.split(":", 1)[0])
    elif done:
        group["tile_color"].setValue(GREEN)
        group["label"].setValue("")


def show_report(name, report):
    """Show a finished publish's outcome on the node (``report`` is ``PublishReport.to_dict()``)."""
    if report["cancelled"]:
        show_status(name, "Job.Cancelled: cancelled; press Run to start again", error=True)
    elif report["errors"]:
        first = report["errors"][0]
        text = "{}: {}".format(first["code"], first["message"])
        if first.get("hint"):
            text += "\nhint: {}".format(first["hint"])
        show_status(name, text, error=True)
    else:
        done = report["integrated"][0] if report["integrated"] else {}
        show_status(name, "done: frames {}-{}, job {}".format(done.get("first"), done.get("last"), done.get("job")), done=True)
