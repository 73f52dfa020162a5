"""mattebox's Nuke menu (GUI sessions only: Nuke runs menu.py after every init.py)."""

import mattebox_nuke.api

mattebox_menu = mattebox_nuke.api.install_menu(mattebox_nuke.api.install())
