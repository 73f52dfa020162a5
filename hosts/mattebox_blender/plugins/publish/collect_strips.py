"""Collect the selected VSE strips, one instance (one job) each."""

import os

import bpy
import pyblish.api

from mattebox.publish import JobRequest, add_clip_instance, clip_data, new_job_id


class CollectStrips(pyblish.api.ContextPlugin):
    """Each selected movie or image strip is one clip: the frames it shows on the timeline are the ones processed."""

    order = pyblish.api.CollectorOrder
    label = "Collect selected strips"
    hosts = ["blender"]

    def process(self, context):
        mb = context.data["mattebox"]
        api, settings = mb["host_api"], mb["settings"]
        if "strips" not in settings:
            return
        scene = bpy.data.scenes[settings["scene"]]
        editor = scene.sequence_editor
        for name in settings["strips"]:
            strip = api.compat.all_strips(editor).get(name)
            if strip is None:
                self.log.warning("strip %r is gone", name)
                continue
            info = api.strips.describe_strip(strip)
            job_id = new_job_id()
            kind = settings["kind"]
            sequence = info["type"] == "IMAGE" or (kind == "keyed" and settings["keyed_format"] == "png")
            output = api.output_path(settings["output_dir"], strip.name, settings["task"], kind, job_id, sequence)
            premultiply = kind == "keyed" and not sequence  # Blender reads movie alpha as premultiplied
            request = JobRequest(settings["task"], info["source"], output, kind=kind, backend=settings["backend"],
                                 frames=info["frames"], options=settings["options"], premultiply=premultiply,
                                 job_id=job_id, label=info["label"],
                                 log_dir=os.path.join(settings["output_dir"], ".mattebox"))
            host = {"scene": scene.name, "strip": strip.name, "frames": info["frames"], "premultiply": premultiply,
                    "mute_source": settings["mute_source"], "size": info["size"]}
            add_clip_instance(context, strip.name, clip_data(info["label"], request, source_frames=info["source_frames"],
                                                             problems=info["problems"], host=host),
                              families=["blender.strip." + kind])
            self.log.info("%s: frames %s of %s", info["label"], info["frames"], info["source"])
