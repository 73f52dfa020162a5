"""Run the installed Resolve entry script against the stand-ins, in a fresh process; print what happened as JSON.

argv: STANDINS_DIR ENTRY_SCRIPT CLIP. The runtime comes from the installed config (HOME points at the test home).
Nothing from the checkout is imported before the entry script: what runs is the installed host library.
"""

import json
import sys

standins, entry, clip = sys.argv[1:4]
sys.path.insert(0, standins)

import DaVinciResolveScript  # noqa: E402
import fusion_standin  # noqa: E402
import resolve_standin as rs  # noqa: E402

resolve = rs.new_resolve()
DaVinciResolveScript._register(resolve)
rs.add_clip_to_timeline(resolve, clip, record=86400, source_in=3, duration=12)
rs.set_playhead(resolve, 86405)
statuses = []
fusion_standin.script(
    (lambda w: True, fusion_standin.type_text("Backend", "index")),
    (lambda w: True, fusion_standin.click("Run")),
    (lambda w: w.Find("Run").Enabled and "done" in w.Find("Status").Text or "Error" in w.Find("Status").Text,
     lambda w: statuses.append(w.Find("Status").Text)),
    (lambda w: True, fusion_standin.close()),
)
namespace = {"__name__": "__main__", "resolve": resolve, "fusion": resolve.Fusion(), "bmd": fusion_standin.bmd}
with open(entry) as fh:
    exec(compile(fh.read(), entry, "exec"), namespace)
timeline = resolve.GetProjectManager().GetCurrentProject().GetCurrentTimeline()
layers = timeline.GetItemListInTrack("video", 2) if timeline.GetTrackCount("video") > 1 else []
print(json.dumps({
    "status": statuses,
    "layers": [[i.GetStart(), i.GetDuration()] for i in layers],
    "modules": {name: sys.modules[name].__file__ for name in ("mattebox", "mattebox.publish", "mattebox_resolve", "pyblish")},
}))
