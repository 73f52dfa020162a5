"""The mattebox node: a Group with the job's knobs, created from Nodes > mattebox.

Knobs (tab "mattebox"): ``task``, ``backend`` (empty: the task's default), ``model`` (ONNX models),
``options`` (more backend options, ``name=value, ...``), ``output`` (``keyed``: the plate with the matte as premultiplied alpha; ``matte``: the matte alone),
the frame range (the input's, or ``first``/``last``), ``output_dir``, the Run and Cancel buttons and
``status``. Two hidden knobs carry the run's state on the node itself (``mattebox_job``: the last job
id; ``mattebox_cancel``: Cancel was pressed), so no module keeps state about nodes.
"""

import nuke

__all__ = ["MENU_ENTRIES", "TASKS", "create_node"]

TASKS = ("body", "halfbody", "greenscreen")
MENU_ENTRIES = (("Person", "body"), ("Half body", "halfbody"), ("Key green screen", "greenscreen"))
RUN_COMMAND = "import mattebox_nuke.api\nmattebox_nuke.api.run_node(nuke.thisNode())"
CANCEL_COMMAND = "import mattebox_nuke.api\nmattebox_nuke.api.cancel_node(nuke.thisNode())"


def _knobs(task):
    task_knob = nuke.Enumeration_Knob("task", "task", list(TASKS))
    task_knob.setValue(task)
    output = nuke.Enumeration_Knob("output", "output", ["keyed", "matte"])
    output.setTooltip("keyed: the input with the matte as premultiplied alpha; matte: the matte alone")
    backend = nuke.String_Knob("backend", "backend")
    backend.setTooltip("empty: the task's default (keyer for green screen, onnx for people); or aliyun, ...")
    model = nuke.String_Knob("model", "model")
    model.setTooltip("ONNX backend only: auto, selfie, selfie-landscape, rvm, ... (empty: auto)")
    options = nuke.String_Knob("options", "backend options")
    options.setTooltip("more backend options as name=value, comma-separated (e.g. despill=average); see `mattebox run --help`")
    use_input = nuke.Boolean_Knob("use_input_range", "use the input's frame range")
    use_input.setValue(True)
    use_input.setFlag(nuke.STARTLINE)
    first = nuke.Int_Knob("first", "frames")
    last = nuke.Int_Knob("last", "to")
    out_dir = nuke.File_Knob("output_dir", "output folder")
    out_dir.setTooltip("empty: mattebox/ beside the saved script, or a temporary folder")
    run = nuke.PyScript_Knob("run", "Run", RUN_COMMAND)
    run.setFlag(nuke.STARTLINE)
    cancel = nuke.PyScript_Knob("cancel", "Cancel", CANCEL_COMMAND)
    status = nuke.Text_Knob("status", "status", "press Run")
    job = nuke.String_Knob("mattebox_job", "job")
    job.setFlag(nuke.INVISIBLE)
    cancel_flag = nuke.Boolean_Knob("mattebox_cancel", "cancel requested")
    cancel_flag.setFlag(nuke.INVISIBLE)
    return [nuke.Tab_Knob("mattebox", "mattebox"), task_knob, backend, model, options, output, use_input, first, last,
            out_dir, run, cancel, status, job, cancel_flag]


def create_node(task):
    """Create a mattebox node for ``task`` connected to the selected node (as any node from the menu is)."""
    if task not in TASKS:
        raise ValueError("unknown task {!r}; one of {}".format(task, ", ".join(TASKS)))
    selected = nuke.selectedNodes()
    group = nuke.createNode("Group", inpanel=False)
    group.setName("mattebox1")
    with group:
        source = nuke.nodes.Input(name="plate")
        nuke.nodes.Output(inputs=[source])
    for knob in _knobs(task):
        group.addKnob(knob)
    if len(selected) == 1:
        group.setInput(0, selected[0])
        r = selected[0].frameRange()
        group["first"].setValue(r.first())
        group["last"].setValue(r.last())
    return group
