"""Collect the timeline items to process: the clip under the playhead, or the media pool's selected clips."""

import os

import pyblish.api

from mattebox.publish import JobRequest, PublishError, add_clip_instance, clip_data, problem


class CollectTimelineItems(pyblish.api.ContextPlugin):
    """One instance per timeline item, over exactly the source frames the item uses."""

    order = pyblish.api.CollectorOrder
    label = "Collect timeline items"
    hosts = ["resolve"]

    def process(self, context):
        from mattebox_resolve.api import lib

        if "mattebox" not in context.data:
            return  # another pipeline's publish (pyblish is shared in the host): not ours
        settings = context.data["mattebox"]["settings"]
        resolve = settings["resolve"]
        project = lib.current_project(resolve)
        timeline = project.GetCurrentTimeline()
        if timeline is None:
            raise PublishError("Host.NoTimeline", "no timeline is open in project {}".format(project.GetName()),
                               hint="open the timeline with the clip to process, then run mattebox again")
        timeline_fps = lib.parse_rate(timeline.GetSetting("timelineFrameRate"))
        mode = settings["output"]
        for track, item in lib.target_items(resolve, project, timeline, settings["target"]):
            self._collect(context, settings, project, timeline, timeline_fps, mode, track, item)

    def _collect(self, context, settings, project, timeline, timeline_fps, mode, track, item):
        from mattebox_resolve.api import lib

        label = "clip '{}' at {}".format(item.GetName(), item.GetStart())
        mpi = item.GetMediaPoolItem()
        problems = []
        source, total, frames = "", None, None
        if mpi is None:
            problems.append(problem("InvalidFile.Type", "{}: it has no media (a title, generator or compound clip)".format(label),
                                    "pick a clip that plays a media file"))
        else:
            source = mpi.GetClipProperty("File Path") or ""
            total = int(lib.parse_rate(mpi.GetClipProperty("Frames"))) or None
            if mode == "keyed":
                frames = lib.source_range(item.GetLeftOffset(), item.GetDuration(),
                                          lib.parse_rate(mpi.GetClipProperty("FPS")), timeline_fps)
        stem = os.path.splitext(os.path.basename(source or item.GetName()))[0]
        folder = lib.output_folder(source, settings.get("output_dir", ""))
        if mode == "keyed":
            name = "{}_{}-{}_{}_keyed.mov".format(stem, frames[0] if frames else 0, frames[1] if frames else 0, settings["task"])
            kind, premultiply = "keyed", True
        else:
            name = "{}_{}_matte.mov".format(stem, settings["task"])
            kind, premultiply = "matte", False
        request = JobRequest(settings["task"], source or name, os.path.join(folder, name), kind=kind,
                             backend=settings.get("backend") or None, frames=frames, options=settings.get("options"),
                             premultiply=premultiply, overwrite=True, label=label)
        host = {"mode": mode, "track": track, "record": item.GetStart(), "duration": item.GetDuration(),
                "item": item.GetUniqueId(), "timeline": timeline.GetName()}
        instance = add_clip_instance(context, label, clip_data(label, request, source_frames=total, problems=problems, host=host))
        instance.data["resolve"] = {"project": project, "timeline": timeline, "item": item, "media_pool_item": mpi}
        self.log.info("%s: %s frames %s -> %s", label, source, frames, request.output)
