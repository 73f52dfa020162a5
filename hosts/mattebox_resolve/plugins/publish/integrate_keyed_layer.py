"""Place a keyed layer on a new video track above its source, on exactly the source's record frames."""

import pyblish.api

from mattebox.publish import PublishError


class IntegrateKeyedLayer(pyblish.api.InstancePlugin):
    """Import the keyed layer into the media pool's mattebox bin and append it above the source clip."""

    order = pyblish.api.IntegratorOrder
    label = "Place the keyed layer on the timeline"
    hosts = ["resolve"]
    families = ["mattebox"]

    def process(self, instance):
        from mattebox_resolve.api import lib

        data = instance.data["mattebox"]
        host = data["host"]
        if host["mode"] != "keyed":
            return
        objects = instance.data["resolve"]
        resolve = instance.context.data["mattebox"]["settings"]["resolve"]
        project, timeline = objects["project"], objects["timeline"]
        [output] = [o for o in data["outputs"] if o["kind"] == "keyed"]
        pool = project.GetMediaPool()
        previous = pool.GetCurrentFolder()
        pool.SetCurrentFolder(lib.mattebox_bin(pool))
        try:
            imported = pool.ImportMedia([output["path"]])
        finally:
            pool.SetCurrentFolder(previous)
        if not imported:
            raise PublishError("Host.ImportFailed", "{}: Resolve could not import {}".format(data["label"], output["path"]))
        layer = imported[0]
        if not layer.SetClipProperty("Alpha mode", "Premultiplied"):
            self.log.warning("%s: could not set the clip's alpha mode; set it to Premultiplied in Clip Attributes", data["label"])
        if project.GetCurrentTimeline().GetUniqueId() != timeline.GetUniqueId():
            project.SetCurrentTimeline(timeline)  # AppendToTimeline works on the current timeline
        record, duration = host["record"], host["duration"]
        tracks = instance.context.data.setdefault("mattebox_resolve_tracks", [])
        track = lib.find_free_track(timeline, record, record + duration, tracks)
        count = int(output["frames"])
        placed = pool.AppendToTimeline([{"mediaPoolItem": layer, "startFrame": 0, "endFrame": lib.append_end_frame(resolve, 0, count),
                                         "mediaType": 1, "trackIndex": track, "recordFrame": record}])
        item = placed[0] if placed else None
        if item is None or item.GetStart() != record or item.GetDuration() is None:
            raise PublishError("Host.PlaceFailed", "{}: Resolve did not place the keyed layer at frame {} on video track {}".format(
                data["label"], record, track), hint="unlock the timeline's tracks and run it again")
        if item.GetDuration() != duration:
            self.log.warning("%s: the keyed layer lasts %s frames, the source %s", data["label"], item.GetDuration(), duration)
        session = instance.context.data["mattebox"]["session"]
        session.report.integrated.append({"label": data["label"], "job": data.get("job_id"), "track": track, "record": record,
                                          "duration": item.GetDuration(), "path": output["path"]})
