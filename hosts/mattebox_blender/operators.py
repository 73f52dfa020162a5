"""Operators: process the selected strips (modal with progress and Esc, or blocking), integrate jobs finished
while Blender was closed, and check the runtime setup.

The job runs in the runtime's own process. ``MATTEBOX_OT_run.invoke`` starts a publish and a timer;
each timer tick runs :meth:`StripPublish.step` on the main thread (the only thread that touches bpy
data), which returns within a few milliseconds while a job runs. ``execute`` runs the same publish
blocking: scripts, and Blender in background mode, get the result when the call returns.
"""

import json
import logging

import bpy
from bpy.props import BoolProperty, EnumProperty, StringProperty

from mattebox.publish import PublishError, RuntimeClient

from . import preferences
from .api import compat, ledger
from .api.integrate import integrate_output
from .api.publish import StripPublish, default_output_dir, selected_node_names, selected_strip_names, waiting_jobs
from .properties import KEYED_FORMAT_CHOICES, OUTPUT_CHOICES, SOURCES, TASKS

log = logging.getLogger(__name__)

TIMER_S = 0.1
STEP_BUDGET_S = 0.01  # plugins run between timer ticks only while no job is running; keep each tick short


_SECRET_WORDS = ("secret", "password", "token", "access-key", "accesskey")


def parse_options(text):
    """Backend options from ``name=value name2=value2`` or a JSON object; raises ``InvalidParameter``.

    Credentials are refused: options are saved with the .blend, credentials belong in the runtime's
    environment or profile.
    """
    text = (text or "").strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise PublishError("InvalidParameter", "backend options are not valid JSON: {}".format(exc))
        if not isinstance(data, dict):
            raise PublishError("InvalidParameter", "backend options must be a JSON object")
        return _no_credentials({str(k): str(v) for k, v in data.items()})
    options = {}
    for token in text.split():
        name, sep, value = token.partition("=")
        if not sep or not name:
            raise PublishError("InvalidParameter", "backend option {!r} is not name=value".format(token))
        options[name.lstrip("-")] = value
    return _no_credentials(options)


def _no_credentials(options):
    for name in options:
        if any(word in name.lower() for word in _SECRET_WORDS):
            raise PublishError("InvalidParameter", "backend option {!r} looks like a credential; options are saved with the "
                               ".blend file".format(name), hint="give credentials to the runtime through its environment or profile "
                               "(e.g. ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET or an Alibaba Cloud CLI profile)")
    return options


def _set_state(context, state, progress=None, status=None):
    ui = context.window_manager.mattebox
    ui.state = state
    if progress is not None:
        ui.progress = progress
    if status is not None:
        ui.status = status


class MATTEBOX_OT_run(bpy.types.Operator):
    """Make a keyed layer or a matte of each selected strip (or compositor node) with the mattebox runtime (Esc cancels)"""

    bl_idname = "mattebox.run"
    bl_label = "Run mattebox"
    bl_options = {"REGISTER", "UNDO"}

    source: EnumProperty(name="Source", items=SOURCES, default="SEQUENCER")
    task: EnumProperty(name="Task", items=TASKS, default="greenscreen")
    output: EnumProperty(name="Output", items=OUTPUT_CHOICES, default="DEFAULT")
    backend: StringProperty(name="Backend", default="", description="Empty: the preferences' default, else the task's")
    keyed_format: EnumProperty(name="Format", items=KEYED_FORMAT_CHOICES, default="DEFAULT")
    mute_source: BoolProperty(name="Hide source", default=True)
    options: StringProperty(name="Backend options", default="",
                            description="Backend options: name=value pairs separated by spaces, or a JSON object")

    _publish = None
    _timer = None

    @classmethod
    def poll(cls, context):
        if context.window_manager.mattebox.state != "IDLE":
            cls.poll_message_set("A mattebox job is running (Esc cancels it)")
            return False
        if not (selected_strip_names(context) or selected_node_names(context)):
            cls.poll_message_set("Select movie or image strips, or Movie Clip or Image nodes in the compositor")
            return False
        return True

    def _names(self, context):
        if self.source == "COMPOSITOR":
            return context.scene, selected_node_names(context), "nodes"
        return compat.sequencer_scene(context), selected_strip_names(context), "strips"

    def _make_publish(self, context):
        prefs = preferences.get(context)
        output = prefs.default_output if self.output == "DEFAULT" else self.output
        keyed_format = prefs.keyed_format if self.keyed_format == "DEFAULT" else self.keyed_format
        scene, names, target = self._names(context)
        if not names:
            raise PublishError("InvalidParameter", "nothing selected: select {}".format(
                "Movie Clip or Image nodes" if target == "nodes" else "movie or image strips"))
        return StripPublish(
            scene, names, self.task, output, target=target,
            backend=self.backend or prefs.default_backend, options=parse_options(self.options), runtime=prefs.runtime_path,
            output_dir=default_output_dir(prefs.output_dir), keyed_format=keyed_format, mute_source=self.mute_source,
        )

    def execute(self, context):
        try:
            publish = self._make_publish(context)
        except PublishError as exc:
            return self._failed_to_start(context, exc)
        _set_state(context, "RUNNING", 0.0, "mattebox: starting")
        try:
            report = publish.run()
        finally:
            _set_state(context, "IDLE")
        return self._finish(context, report)

    def invoke(self, context, event):
        if bpy.app.background:
            return self.execute(context)
        try:
            self._publish = self._make_publish(context)
        except PublishError as exc:
            return self._failed_to_start(context, exc)
        wm = context.window_manager
        wm.progress_begin(0, 1000)
        _set_state(context, "RUNNING", 0.0, "mattebox: starting")
        self._timer = wm.event_timer_add(TIMER_S, window=context.window)
        wm.modal_handler_add(self)
        return {"RUNNING_MODAL"}

    def modal(self, context, event):
        if event.type == "ESC" and event.value == "PRESS":
            self._publish.cancel()
            _set_state(context, "CANCELLING")
            return {"RUNNING_MODAL"}
        if event.type != "TIMER":
            return {"PASS_THROUGH"}
        done = self._publish.step(STEP_BUDGET_S)
        fraction, text = self._publish.progress()
        context.window_manager.progress_update(int(fraction * 1000))
        context.window_manager.mattebox.progress = fraction
        context.window_manager.mattebox.status = text
        if context.workspace is not None:
            context.workspace.status_text_set(text + ("" if done else "   (Esc: cancel)"))
        if not done:
            return {"RUNNING_MODAL"}
        self._quit(context)
        return self._finish(context, self._publish.report)

    def cancel(self, context):
        """Blender ends the modal operator (a file is opened, Blender quits): the jobs go on in the runtime,
        and the file's job records (and their sidecar files) let the next session integrate them."""
        self._quit(context)

    def _quit(self, context):
        wm = context.window_manager
        if self._timer is not None:
            wm.event_timer_remove(self._timer)
            self._timer = None
        wm.progress_end()
        if context.workspace is not None:
            context.workspace.status_text_set(None)
        _set_state(context, "IDLE")

    def _failed_to_start(self, context, error):
        context.window_manager.mattebox.last_report = json.dumps({"ok": False, "cancelled": False, "instances": 0,
                                                                   "errors": [dict(error.to_dict(), stage="start")], "integrated": []})
        self.report({"ERROR"}, error.user_text())
        return {"CANCELLED"}

    def _finish(self, context, report):
        ui = context.window_manager.mattebox
        ui.last_report = json.dumps(report.to_dict())
        ui.status = report.summary()
        ui.progress = 1.0 if report.ok else ui.progress
        if report.cancelled:
            self.report({"WARNING"}, report.summary())
        elif report.errors:
            for error in report.errors:
                log.error("%s", error.text())
            self.report({"ERROR"}, report.summary() + "\n" + report.details())
        else:
            self.report({"INFO"}, report.summary())
        return {"FINISHED"} if report.integrated else {"CANCELLED"}


class MATTEBOX_OT_integrate_finished(bpy.types.Operator):
    """Put the results of jobs started from this file (and finished while it was closed) on the timeline"""

    bl_idname = "mattebox.integrate_finished"
    bl_label = "Integrate finished jobs"
    bl_options = {"REGISTER", "UNDO"}

    def execute(self, context):
        prefs = preferences.get(context)
        try:
            client = RuntimeClient(explicit=prefs.runtime_path or None)
        except PublishError as exc:
            self.report({"ERROR"}, exc.user_text())
            return {"CANCELLED"}
        done, running, failed = [], 0, []
        for scene, entry in waiting_jobs(prefs.output_dir):
            try:
                summary = self._settle(context, client, entry)
            except PublishError as exc:
                failed.append(exc)
                log.error("%s", exc.user_text())
            else:
                if summary is None:
                    running += 1
                    continue
                done.append(summary)
            ledger.forget(scene, entry["job_id"], entry)
        context.window_manager.mattebox.pending = running
        summary = "mattebox: {} job(s) integrated, {} still running, {} failed".format(len(done), running, len(failed))
        context.window_manager.mattebox.last_report = json.dumps(
            {"ok": not failed, "cancelled": False, "instances": len(done) + len(failed) + running, "integrated": done,
             "errors": [dict(e.to_dict(), stage="integrate") for e in failed]})
        self.report({"ERROR" if failed else "INFO"}, summary + "".join("\n" + e.user_text() for e in failed))
        return {"FINISHED"} if done else {"CANCELLED"}


    @staticmethod
    def _settle(context, client, entry):
        """Integrate one recorded job if it finished; ``None`` while it still runs; raises why it cannot be."""
        record = client.show_job(entry["job_id"])
        status = record["status"] if record else "MISSING"
        if status in ("QUEUING", "PROCESSING") and not record.get("interrupted"):
            return None
        if status != "PROCESS_SUCCESS":
            error = (record or {}).get("error") or {"code": "Job.NotFound", "message": "it is not in the job store"}
            raise PublishError(error.get("code") or "Runtime.Failed", "job {} of strip '{}': {}".format(
                entry["job_id"], entry["host"].get("strip"), error.get("message")))
        return integrate_output(context, entry["host"], entry["request"]["kind"], record["outputs"])


class MATTEBOX_OT_check_setup(bpy.types.Operator):
    """Run `mattebox doctor`: which runtime is used, its versions, codecs and backends"""

    bl_idname = "mattebox.check_setup"
    bl_label = "Check setup"

    def execute(self, context):
        ui = context.window_manager.mattebox
        try:
            client = RuntimeClient(explicit=preferences.get(context).runtime_path or None)
            ok, text = client.doctor()
        except PublishError as exc:
            ui.doctor_output = exc.user_text()
            self.report({"ERROR"}, exc.user_text())
            return {"CANCELLED"}
        ui.doctor_output = "runtime: {} (from {})\n{}".format(client.runtime.executable, client.runtime.origin, text)
        self.report({"INFO"} if ok else {"WARNING"}, "mattebox: setup ok" if ok else "mattebox: doctor found problems")
        return {"FINISHED"}


classes = (MATTEBOX_OT_run, MATTEBOX_OT_integrate_finished, MATTEBOX_OT_check_setup)
