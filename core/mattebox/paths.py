"""Where mattebox keeps its data: the job store, models, caches.

``MATTEBOX_HOME`` overrides everything (tests and portable installs use it); otherwise the
platform's per-user data directory (platformdirs).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "jobs_db_path", "work_dir"]


def data_dir() -> Path:
    """The user data directory, created on first use."""
    home = os.environ.get("MATTEBOX_HOME")
    if home:
        path = Path(home).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("mattebox", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def jobs_db_path() -> Path:
    """The SQLite job store."""
    return data_dir() / "jobs.sqlite3"


def work_dir(job_id: str) -> Path:
    """A scratch folder owned by one job (downloads, chunks); removed when the job succeeds."""
    path = data_dir() / "work" / job_id
    path.mkdir(parents=True, exist_ok=True)
    return path
