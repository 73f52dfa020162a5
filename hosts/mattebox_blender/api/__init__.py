"""The Blender host glue (AYON's ``api/`` layout): everything the add-on's operators and pyblish plugins share.

Anything not named here is internal. :mod:`.timeline` is pure Python (no ``bpy``), the rest needs
Blender: :mod:`.compat` (4.2 to 5.0 differences), :mod:`.strips` (read a strip, add layers and
masks), :mod:`.ledger` (jobs recorded in the .blend), :mod:`.pipeline` (install the pyblish host),
:mod:`.publish` (a publish of the selected strips, blocking or step by step).
"""
