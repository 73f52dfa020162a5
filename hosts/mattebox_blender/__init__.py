"""mattebox for Blender: a VSE/Compositor extension and its pyblish collect/integrate plugins."""
