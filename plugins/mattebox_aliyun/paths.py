"""Where the cloud backend keeps its own files: oss2's upload checkpoints, under the data directory."""

from __future__ import annotations

from pathlib import Path

from mattebox.paths import data_dir

__all__ = ["checkpoint_dir"]


def checkpoint_dir() -> Path:
    """Progress records of unfinished resumable uploads (oss2's ``ResumableStore``)."""
    path = data_dir() / "aliyun" / "upload-checkpoints"
    path.mkdir(parents=True, exist_ok=True)
    return path
