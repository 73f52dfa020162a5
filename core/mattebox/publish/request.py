"""What a host asks the runtime to do: one job on one clip, as ``mattebox run`` arguments.

A :class:`JobRequest` is plain data (it round-trips through JSON, so a host can keep it in its
scene file to find the job again after a restart). The host chooses the job id, so it knows it
before the runtime prints anything and can cancel or look up the job at any time.
"""

import os
import random
import time

__all__ = ["JobRequest", "new_job_id"]

TASKS = ("greenscreen", "body", "halfbody")
KINDS = ("keyed", "matte")


def new_job_id():
    """A job id in the runtime's format: UTC time, then random hex (sortable, unique enough)."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + "%06x" % random.getrandbits(24)


class JobRequest(object):
    """One job for the runtime.

    :param task: ``greenscreen``, ``body`` or ``halfbody``.
    :param source: absolute path of the source clip.
    :param output: the output file, or a ``%04d`` pattern for image sequences.
    :param kind: ``keyed`` (RGBA layer) or ``matte`` (grayscale alpha).
    :param backend: a backend name, or ``None`` for the task's default.
    :param frames: ``(first, last)``, 0-based inclusive source frames, or ``None`` for the whole clip.
    :param options: backend options by name (``{"despill": "average"}``), passed as ``--name value``.
    :param premultiply: keyed outputs: premultiplied colour.
    :param start_number: image sequences: number of the first file (default: the source frame index).
    :param image_layout: image sequences of a clip shown turned (phone clips): ``"coded"`` for a host
        that reads such clips as coded; ``None`` for the runtime's default (as shown).
    :param overwrite: replace existing outputs.
    :param job_id: the job id (default: a new one).
    :param label: how messages name the clip (``strip 'walker'``).
    :param log_dir: where the job's progress and error logs go (default: ``.mattebox`` beside the output).
    """

    FIELDS = ("task", "source", "output", "kind", "backend", "frames", "options", "premultiply", "start_number",
              "image_layout", "overwrite", "job_id", "label", "log_dir")

    def __init__(self, task, source, output, kind="keyed", backend=None, frames=None, options=None, premultiply=False,
                 start_number=None, overwrite=False, job_id=None, label=None, log_dir=None, image_layout=None):
        self.task = task
        self.source = os.path.abspath(source) if source else ""
        self.output = os.path.abspath(output) if output else ""
        self.kind = kind
        self.backend = backend or None
        self.frames = None if frames is None else (int(frames[0]), int(frames[1]))
        self.options = dict(options or {})
        self.premultiply = bool(premultiply)
        self.start_number = start_number
        self.image_layout = image_layout
        self.overwrite = bool(overwrite)
        self.job_id = job_id or new_job_id()
        self.label = label or os.path.basename(self.source) or "clip"
        self.log_dir = log_dir or os.path.join(os.path.dirname(self.output), ".mattebox")

    @property
    def progress_log(self):
        """The file the runtime's JSON progress lines go to."""
        return os.path.join(self.log_dir, self.job_id + ".progress.jsonl")

    @property
    def error_log(self):
        """The file the runtime's stderr goes to."""
        return os.path.join(self.log_dir, self.job_id + ".stderr.log")

    def run_args(self):
        """The arguments after ``mattebox``: ``run TASK INPUT -o OUTPUT ... --progress json``."""
        args = ["run", self.task, self.source, "-o", self.output, "--output", self.kind, "--progress", "json",
                "--job-id", self.job_id]
        if self.backend:
            args += ["--backend", self.backend]
        if self.frames is not None:
            args += ["--frames", "{}-{}".format(self.frames[0], self.frames[1])]
        if self.premultiply:
            args.append("--premultiply")
        if self.start_number is not None:
            args += ["--start-number", str(int(self.start_number))]
        if self.image_layout:
            args += ["--image-layout", self.image_layout]
        if self.overwrite:
            args.append("--overwrite")
        return args + self._option_args()

    def check_args(self):
        """The arguments of ``mattebox check`` for the same job (see :meth:`RuntimeClient.start_check`)."""
        args = ["check", self.task, self.source, "-o", self.output, "--output", self.kind, "--json"]
        if self.backend:
            args += ["--backend", self.backend]
        if self.frames is not None:
            args += ["--frames", "{}-{}".format(self.frames[0], self.frames[1])]
        if self.overwrite:
            args.append("--overwrite")
        return args + self._option_args()

    def _option_args(self):
        args = []
        for name, value in sorted(self.options.items()):
            args += ["--" + str(name).replace("_", "-"), str(value)]
        return args

    def to_dict(self):
        data = dict((name, getattr(self, name)) for name in self.FIELDS)
        data["frames"] = None if self.frames is None else list(self.frames)
        return data

    @classmethod
    def from_dict(cls, data):
        return cls(**dict((k, v) for k, v in data.items() if k in cls.FIELDS))

    def __repr__(self):
        return "JobRequest({} {} -> {} [{}], frames={}, job={})".format(
            self.task, self.source, self.output, self.kind, self.frames, self.job_id)
