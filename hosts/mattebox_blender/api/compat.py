"""Differences between Blender 4.2 LTS and 5.0 that the add-on meets, in one place.

- 4.2–4.3 name the VSE's collections ``sequences``/``sequences_all``; 4.4+ ``strips``/``strips_all``
  (5.0 removed the old names), and the context members follow (``selected_editable_sequences``).
- 5.0 edits the *workspace's* sequencer scene (``context.sequencer_scene``), which may differ from
  the window's scene; a workspace without one makes ``Strip.modifiers.new`` crash Blender 5.0.1
  (it invalidates the cache of a null scene), so :func:`ensure_sequencer_scene` sets it first.
- 5.0 moved the compositor's tree from ``scene.node_tree`` to ``scene.compositing_node_group``.
"""

import bpy

__all__ = ["all_strips", "compositor_tree", "ensure_sequencer_scene", "selected_strips", "sequencer_scene", "strips_of"]


def strips_of(container):
    """The top-level strips of a sequence editor or a meta strip."""
    return container.strips if hasattr(container, "strips") else container.sequences


def all_strips(editor):
    """Every strip of a sequence editor, inside metas too."""
    return editor.strips_all if hasattr(editor, "strips_all") else editor.sequences_all


def sequencer_scene(context):
    """The scene the VSE edits: the workspace's sequencer scene (5.0) or the window's scene."""
    scene = getattr(context, "sequencer_scene", None)
    return scene if scene is not None else context.scene


def ensure_sequencer_scene(context, scene):
    """Make ``scene`` the workspace's sequencer scene if the workspace has none (Blender 5.0+)."""
    workspace = getattr(context, "workspace", None)
    if workspace is not None and hasattr(workspace, "sequencer_scene") and workspace.sequencer_scene is None:
        workspace.sequencer_scene = scene


def selected_strips(context, scene):
    """The selected, editable strips of the VSE, in timeline order."""
    strips = getattr(context, "selected_editable_strips", None)
    if strips is None:
        strips = getattr(context, "selected_editable_sequences", None)
    if strips is None and scene.sequence_editor is not None:  # no VSE context (scripts, background mode)
        strips = [s for s in all_strips(scene.sequence_editor) if s.select and not s.lock]
    return sorted(strips or [], key=lambda s: (s.frame_final_start, s.channel))


def compositor_tree(scene):
    """The scene's compositor node tree (``None`` when compositing is not set up)."""
    if hasattr(scene, "compositing_node_group"):
        return scene.compositing_node_group
    return scene.node_tree if getattr(scene, "use_nodes", False) else None


def blender_version():
    return tuple(bpy.app.version)
