"""Where a running Excel import stands, kept where every worker process can read it.

An import of thousands of rows runs beside the request that started it (``web.import_progress``);
the officer's page asks for its status until it is done (issue 21). The status is a small JSON
file per import in the data directory (0600, like the database next to it): which step, how
many rows of how many, and at the end the result or the refusal with the rows' errors. It never
holds the file itself. A status that has not moved for ``STALE_SECONDS`` belongs to an import
whose process is gone (a restart): nothing of it was saved, since the import commits only at
its very end, and the status says so. Statuses are removed after ``KEEP_SECONDS``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from formapp.private_files import open_private, private_dir

STALE_SECONDS = 120
KEEP_SECONDS = 24 * 3600
MAX_ERRORS = 500  # the page shows as many; the count says how many there were
WRITE_EVERY = 0.25  # seconds between two progress writes (the page asks about twice a second)
_ID = re.compile(r"^[0-9a-f]{32}$")

RUNNING, DONE, REFUSED, STOPPED = "running", "done", "refused", "stopped"
# The steps, in order: the file's limits, the rows checked, the evidence, the rows stored.
STEPS = ("opening", "checking", "evidence", "storing")


@dataclass
class JobStatus:
    id: str
    user_id: int
    insats_id: int
    reason: str = ""  # the form's choices, shown again with the result
    valid_only: bool = False
    state: str = RUNNING
    step: str = "opening"
    done: int = 0  # rows of the step so far
    total: int = 0  # rows of the step (0: not known yet)
    updated: float = field(default_factory=time.time)
    message: str | None = None  # why the import was refused
    result: dict[str, int] | None = None  # ImportResult's counts, when done
    rows: int = 0  # rows in the file
    invalid_rows: int = 0
    error_count: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, message

    @property
    def finished(self) -> bool:
        return self.state != RUNNING

    def as_json(self) -> dict[str, Any]:
        return {"state": self.state, "step": self.step, "done": self.done, "total": self.total,
                "percent": self.percent, "message": self.message}

    @property
    def percent(self) -> int:
        """Of the whole import: checking the rows is most of it, storing the rest."""
        share = {"opening": (0, 5), "checking": (5, 75), "evidence": (80, 5),
                 "storing": (85, 15)}.get(self.step, (100, 0))
        if self.state != RUNNING:
            return 100
        part = self.done / self.total if self.total else 0
        return min(99, share[0] + round(share[1] * part))


class JobStore:
    """The statuses in ``folder`` (created 0700 at first use)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._written: dict[str, float] = {}

    def _path(self, job_id: str) -> Path:
        if not _ID.match(job_id):
            raise KeyError(job_id)
        return self.folder / f"{job_id}.json"

    def create(self, user_id: int, insats_id: int, *, reason: str = "",
               valid_only: bool = False) -> JobStatus:
        private_dir(self.folder)
        self.purge()
        status = JobStatus(uuid.uuid4().hex, user_id, insats_id, reason, valid_only)
        self.save(status)
        return status

    def save(self, status: JobStatus) -> None:
        """Written whole and renamed into place: a reader never sees half a status."""
        status.updated = time.time()
        path = self._path(status.id)
        temporary = path.with_suffix(f".{uuid.uuid4().hex[:8]}.tmp")
        with open_private(temporary) as out:
            json.dump(asdict(status), out, ensure_ascii=False)
        os.replace(temporary, path)
        self._written[status.id] = time.monotonic()

    def progress(self, status: JobStatus, step: str, done: int, total: int) -> None:
        """A step's progress, written at most every ``WRITE_EVERY`` seconds within a step."""
        changed = step != status.step
        status.step, status.done, status.total = step, done, total
        last = self._written.get(status.id, 0.0)
        if changed or time.monotonic() - last >= WRITE_EVERY:
            self.save(status)

    def load(self, job_id: str) -> JobStatus | None:
        try:
            data = json.loads(self._path(job_id).read_text(encoding="utf-8"))
        except (KeyError, OSError, ValueError):
            return None
        data["errors"] = [tuple(error) for error in data.get("errors", [])]
        status = JobStatus(**data)
        if status.state == RUNNING and time.time() - status.updated > STALE_SECONDS:
            status.state = STOPPED
        return status

    def purge(self) -> None:
        """Statuses older than ``KEEP_SECONDS`` removed (and temporaries left by a crash)."""
        limit = time.time() - KEEP_SECONDS
        for path in self.folder.glob("*"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < limit:
                    path.unlink()
