"""Read Movie Clip and Image nodes of the compositor into clip descriptions, and wire results back in.

A Movie Clip node shows media frame ``f - clip.frame_start + clip.frame_offset`` on scene frame ``f``
(nothing outside the clip); an Image node showing a movie shows frame
``clamp(f - frame_start + 1, 1, frame_duration) + frame_offset`` (1-based; image sequences use that
number as the file number). The frames processed are those the node shows over the scene's frame
range. A keyed result becomes an Image node that takes over the source node's links; a matte
becomes an Image node feeding a Set Alpha node that takes them over.
"""

import os

import bpy

from mattebox.publish import PublishError, problem

from . import compat

__all__ = ["add_keyed_node", "add_matte_node", "describe_node", "selected_nodes"]

NODE_TYPES = ("MOVIECLIP", "IMAGE")


def selected_nodes(scene):
    """The selected Movie Clip and Image nodes of the scene's compositor."""
    tree = compat.compositor_tree(scene)
    if tree is None:
        return []
    return [n for n in tree.nodes if n.select and n.type in NODE_TYPES]


def _shown_media(node, frame):
    """The 0-based media frame ``node`` shows on scene ``frame`` (``None``: nothing)."""
    if node.type == "MOVIECLIP":
        clip = node.clip
        media = frame - clip.frame_start + clip.frame_offset
        return media if 0 <= media < clip.frame_duration else None
    image = node.image
    if image.source != "MOVIE":
        return 0
    number = min(max(frame - node.frame_start + 1, 1), max(node.frame_duration, 1)) + node.frame_offset
    return number - 1 if 1 <= number <= image.frame_duration else None


def describe_node(scene, node):
    """What the pipeline needs to know about a node (the same keys as :func:`.strips.describe_strip`)."""
    label = "node '{}'".format(node.name)
    problems = []
    source, total, size = "", 0, None
    if node.type == "MOVIECLIP" and node.clip is not None:
        source = bpy.path.abspath(node.clip.filepath, library=node.clip.library)
        total = int(node.clip.frame_duration)
        size = tuple(int(v) for v in node.clip.size)
        if node.clip.source != "MOVIE":
            problems.append(problem("InvalidFile.Type", "{}: an image-sequence clip; mattebox takes movies and single images".format(label)))
    elif node.type == "IMAGE" and node.image is not None:
        source = bpy.path.abspath(node.image.filepath, library=node.image.library)
        total = int(node.image.frame_duration) if node.image.source == "MOVIE" else 1
        size = tuple(int(v) for v in node.image.size)
        if node.image.source not in ("MOVIE", "FILE"):
            problems.append(problem("InvalidFile.Type", "{}: a {} image; mattebox takes movies and single images".format(
                label, node.image.source.lower())))
    else:
        problems.append(problem("InvalidFile.Type", "{}: has no clip or image".format(label)))
    shown = [] if problems else [m for m in (_shown_media(node, f) for f in range(scene.frame_start, scene.frame_end + 1))
                                 if m is not None]
    frames = (min(shown), max(shown)) if shown else None
    if frames is None and not problems:
        problems.append(problem("InvalidParameter", "{}: shows no frames in the scene's frame range".format(label)))
    start = None
    if frames is not None and node.type == "MOVIECLIP":
        start = node.clip.frame_start + frames[0] - node.clip.frame_offset
    elif frames is not None and node.image.source == "MOVIE":
        start = node.frame_start + frames[0] - node.frame_offset
    return {"label": label, "source": source, "frames": frames, "source_frames": total, "size": size,
            "problems": problems, "type": node.type, "scene_frame_of_first": start}


def _find(host):
    scene = bpy.data.scenes.get(host["scene"])
    tree = compat.compositor_tree(scene) if scene is not None else None
    node = tree.nodes.get(host["node"]) if tree is not None else None
    if node is None:
        raise PublishError("InvalidParameter", "node '{}' of scene '{}' no longer exists; its result was not placed".format(
            host["node"], host["scene"]), hint="the job's output is still on disk; load it by hand if you need it")
    return tree, node


def _image_node(tree, source_node, output, host, label):
    sequence = output.get("first_number") is not None
    path = output["path"] % output["first_number"] if sequence else output["path"]
    image = bpy.data.images.load(path, check_existing=False)
    image.name = label
    if sequence:
        image.source = "SEQUENCE"
    node = tree.nodes.new("CompositorNodeImage")
    node.image = image
    node.name = node.label = label
    node.frame_duration = int(output["frames"])
    if host.get("scene_frame_of_first") is not None:
        node.frame_start = int(host["scene_frame_of_first"])
    node.frame_offset = (int(output["first_number"]) - 1) if sequence else 0
    node.use_cyclic = False
    node.location = (source_node.location.x + 220, source_node.location.y - 260)
    return node


def _take_over_links(tree, source_node, outputs):
    """Reconnect what ``source_node``'s outputs fed to ``outputs`` (a dict: source socket name -> new socket)."""
    targets = [(link.from_socket.name, link.to_socket) for link in tree.links
               if link.from_node == source_node and link.from_socket.name in outputs]
    for name, to_socket in targets:
        tree.links.new(outputs[name], to_socket)  # an input takes one link: the new one replaces the source's


def add_keyed_node(host, output):
    """An Image node with the keyed layer, taking over the source node's Image and Alpha links."""
    tree, source_node = _find(host)
    node = _image_node(tree, source_node, output, host, "{} keyed".format(source_node.name))
    node.image.alpha_mode = "PREMUL" if host.get("premultiply") else "STRAIGHT"
    _take_over_links(tree, source_node, {"Image": node.outputs["Image"], "Alpha": node.outputs["Alpha"]})
    return node


def add_matte_node(host, output):
    """An Image node with the matte and a Set Alpha node (source image, matte as alpha) taking over the source's links."""
    tree, source_node = _find(host)
    matte = _image_node(tree, source_node, output, host, "{} matte".format(source_node.name))
    matte.image.colorspace_settings.name = "Non-Color"
    set_alpha = tree.nodes.new("CompositorNodeSetAlpha")
    set_alpha.name = set_alpha.label = "{} masked".format(source_node.name)
    set_alpha.location = (source_node.location.x + 440, source_node.location.y)
    _take_over_links(tree, source_node, {"Image": set_alpha.outputs["Image"]})
    tree.links.new(source_node.outputs["Image"], set_alpha.inputs["Image"])
    tree.links.new(matte.outputs["Image"], set_alpha.inputs["Alpha"])
    return matte, set_alpha
