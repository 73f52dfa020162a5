"""Run one Blender scenario in this process (``python -S bpy_runner.py SCENARIO PARAMS_JSON RESULT_JSON``).

Started by the tests with Blender-as-a-module's Python in isolated-site mode: only the Blender
venv's site-packages folder is put on ``sys.path`` (its ``.pth`` files are not run), so the editable
mattebox checkout is NOT importable and the add-on must work from its installed extension zip,
wheels included. The scenario's ``run(params)`` returns a JSON-able dict.
"""

import importlib.util
import json
import os
import sys
import traceback

site_packages, scenario_path, params_path, result_path = sys.argv[1:5]
sys.path.append(site_packages)
sys.path.insert(0, os.path.dirname(os.path.abspath(scenario_path)))

result = {}
try:
    import bpy  # noqa: F401

    spec = importlib.util.spec_from_file_location("scenario", scenario_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with open(params_path) as fh:
        params = json.load(fh)
    result = module.run(params)
except BaseException:
    result = {"runner_error": traceback.format_exc()}
with open(result_path, "w") as fh:
    json.dump(result, fh, indent=1, default=str)
