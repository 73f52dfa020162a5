"""The compositor path: a Movie Clip node keyed or matted through the operator, then rendered (RGBA)."""

import os

import bpy

from common import install_extension, last_report


def _comp_scene(name, params):
    scene = bpy.data.scenes.new(name)
    bpy.context.window_manager.windows[0].scene = scene
    render = scene.render
    render.resolution_x, render.resolution_y, render.resolution_percentage = 160, 96, 100
    render.fps, render.fps_base = 30000, 1001.0
    render.image_settings.file_format = "PNG"
    render.image_settings.color_mode = "RGBA"
    render.use_sequencer = False
    render.use_compositing = True
    scene.view_settings.view_transform = "Standard"
    scene.frame_start, scene.frame_end = 15, 50
    if hasattr(scene, "compositing_node_group"):
        tree = bpy.data.node_groups.new(name, "CompositorNodeTree")
        scene.compositing_node_group = tree
        tree.interface.new_socket("Image", in_out="OUTPUT", socket_type="NodeSocketColor")
        output = tree.nodes.new("NodeGroupOutput")
    else:  # Blender 4.x
        scene.use_nodes = True
        tree = scene.node_tree
        tree.nodes.clear()
        output = tree.nodes.new("CompositorNodeComposite")
    clip = bpy.data.movieclips.load(params["clip2997"], check_existing=False)
    clip.frame_start, clip.frame_offset = 10, 3
    node = tree.nodes.new("CompositorNodeMovieClip")
    node.clip = clip
    tree.links.new(node.outputs["Image"], output.inputs[0])
    for other in tree.nodes:
        other.select = other == node
    return scene, tree, node


def _render(scene, frames, folder, tag):
    paths = {}
    for frame in frames:
        scene.frame_set(frame)
        scene.render.filepath = os.path.join(folder, "{}_{}.png".format(tag, frame))
        bpy.ops.render.render(write_still=True)
        paths[str(frame)] = scene.render.filepath
    return paths


def _case(params, name, output):
    scene, tree, node = _comp_scene(name, params)
    frames = [15, 33, 50]
    before = _render(scene, frames, params["out"], name + "_before")
    bpy.ops.mattebox.run(source="COMPOSITOR", task="greenscreen", output=output, backend="regions", keyed_format="mov")
    after = _render(scene, frames, params["out"], name + "_after")
    links = sorted("{}:{} -> {}:{}".format(l.from_node.name, l.from_socket.name, l.to_node.name, l.to_socket.name) for l in tree.links)
    images = [{"name": n.name, "frame_start": n.frame_start, "frame_duration": n.frame_duration, "frame_offset": n.frame_offset,
               "alpha_mode": n.image.alpha_mode, "colorspace": n.image.colorspace_settings.name, "path": n.image.filepath}
              for n in tree.nodes if n.type == "IMAGE"]
    return {"report": last_report(), "before": before, "after": after, "links": links, "images": images,
            "clip": {"frame_start": node.clip.frame_start, "frame_offset": node.clip.frame_offset}}


def run(params):
    out = {"install": install_extension(params["zip"])}
    bpy.ops.wm.save_as_mainfile(filepath=params["blend"])
    out["keyed"] = _case(params, "comp_keyed", "keyed")
    out["matte"] = _case(params, "comp_matte", "matte")
    return out
