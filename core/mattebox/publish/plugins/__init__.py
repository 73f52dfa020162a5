"""The host-agnostic pyblish plugins (one per file, loaded by path with ``pyblish.api.discover``).

``collect_runtime_check`` starts ``mattebox check`` for each clip, ``validate_clip`` and
``validate_limits`` report what blocks a clip, ``extract_matte`` starts the runtime job and
``extract_outputs`` collects what it wrote. Hosts add their own collect and integrate plugins.
"""
