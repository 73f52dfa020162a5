"""mattebox for DaVinci Resolve: the Scripts-menu entry and its pyblish collect/integrate plugins."""
