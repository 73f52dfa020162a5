"""Collect the selected Movie Clip and Image nodes of the compositor, one instance (one job) each."""

import os

import bpy
import pyblish.api

from mattebox.publish import JobRequest, add_clip_instance, clip_data, new_job_id


class CollectCompositorNodes(pyblish.api.ContextPlugin):
    """Each selected Movie Clip or Image node is one clip: the frames it shows in the scene's range are processed."""

    order = pyblish.api.CollectorOrder
    label = "Collect selected compositor nodes"
    hosts = ["blender"]

    def process(self, context):
        mb = context.data["mattebox"]
        api, settings = mb["host_api"], mb["settings"]
        if "nodes" not in settings:
            return
        scene = bpy.data.scenes[settings["scene"]]
        tree = api.compat.compositor_tree(scene)
        for name in settings["nodes"]:
            node = tree.nodes.get(name) if tree is not None else None
            if node is None:
                self.log.warning("node %r is gone", name)
                continue
            info = api.nodes.describe_node(scene, node)
            job_id = new_job_id()
            kind = settings["kind"]
            sequence = info["source_frames"] == 1 or (kind == "keyed" and settings["keyed_format"] == "png")
            output = api.output_path(settings["output_dir"], node.name, settings["task"], kind, job_id, sequence)
            premultiply = kind == "keyed" and not sequence
            request = JobRequest(settings["task"], info["source"], output, kind=kind, backend=settings["backend"],
                                 frames=info["frames"], options=settings["options"], premultiply=premultiply,
                                 job_id=job_id, label=info["label"], log_dir=os.path.join(settings["output_dir"], ".mattebox"))
            host = {"scene": scene.name, "node": node.name, "frames": info["frames"], "premultiply": premultiply,
                    "scene_frame_of_first": info["scene_frame_of_first"], "size": info["size"]}
            add_clip_instance(context, node.name, clip_data(info["label"], request, source_frames=info["source_frames"],
                                                            problems=info["problems"], host=host),
                              families=["blender.node." + kind])
            self.log.info("%s: frames %s of %s", info["label"], info["frames"], info["source"])
