"""mattebox for Nuke: menu, node, and its pyblish collect/integrate plugins."""
