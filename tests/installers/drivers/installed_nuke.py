"""Start the Nuke stand-in the way Nuke starts (~/.nuke/init.py, then menu.py), in a fresh process; print JSON.

argv: STANDINS_DIR HOME GUI(0/1) CLIP. In a GUI session it creates a node from the menu and runs it.
"""

import json
import sys

standins, home, gui, clip = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4]
sys.path.insert(0, standins)

import nuke  # noqa: E402
import nuke_harness  # noqa: E402

nuke_harness.reset(gui=gui)
ran = nuke_harness.startup(home)
result = {"ran": ran, "modules": {name: sys.modules[name].__file__ for name in ("mattebox", "mattebox_nuke", "pyblish")}}
import pyblish.api  # noqa: E402

result["hosts"] = list(pyblish.api.registered_hosts())
read = nuke.nodes.Read(file=clip, first=1, last=40, origfirst=1, origlast=40)
read.setSelected(True)
if gui:
    result["menu"] = [item.name() for item in nuke.menu("Nodes").findItem("mattebox").items()]
    nuke_harness.invoke("Nodes", "mattebox/Person")
    group = nuke.selectedNode()
else:
    import mattebox_nuke.api

    group = mattebox_nuke.api.create_node("body")
group["backend"].setValue("index")
import mattebox_nuke.api  # noqa: E402

outcome = mattebox_nuke.api.run_node(group)
if gui:
    nuke_harness.process_events(until=lambda: not outcome.is_alive(), timeout=120)
    nuke_harness.process_events()
result["status"] = group["status"].value()
result["alpha"] = float(nuke._render(group, 21)[:, 30:, 3].mean())
print(json.dumps(result))
