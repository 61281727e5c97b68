"""Checkpoints of the audit trail outside the database: the chain's head (how many entries,
the last one's id and HMAC) sealed with the seal key, written into the archive directory
(``archive/audit-checkpoints/``) on the first append of each day and by every
``formapp audit verify``.

A checkpoint can be made only with the seal key, so someone with the database alone (or the
database and the disk, in production, where the seal's password is in the environment) can not
make one; cutting entries off the end, deleting them all or re-chaining them leaves a
checkpoint that names entries the database no longer has as they were.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

from formapp.documents.errors import DocumentError
from formapp.evidence import evidence
from formapp.extensions import app_cache
from formapp.private_files import private_dir

if TYPE_CHECKING:
    from formapp.documents.signed_json import OpenedJson
    from formapp.evidence_tools import Evidence

DIRECTORY = "audit-checkpoints"
FORMAT = "formapp audit checkpoint 1"
_DAY = "formapp.audit_checkpoint_day"  # app.extensions: the day this process checkpointed


@dataclass(frozen=True)
class Head:
    """The chain as it stands: entries, the last entry's id and hash (its HMAC)."""

    entries: int
    last_id: int
    last_hash: str


@dataclass(frozen=True)
class Checkpoint:
    name: str
    head: Head | None  # None: not a valid checkpoint
    problem: str = ""
    written_at: str = ""


def directory() -> Path:
    return Path(current_app.config["FORMAPP_DATA_DIR"]) / "archive" / DIRECTORY


def daily_name(day: date) -> str:
    return f"{day.isoformat()}-daily.p7m"


def write(head: Head, reason: str, *, tools: Evidence | None = None, folder: Path | None = None,
          name: str | None = None, now: datetime | None = None) -> Path | None:
    """Seal ``head`` into a new file; None when a file of that name exists already (two
    workers making the same day's checkpoint: the first one stays)."""
    now = now or datetime.now(UTC)
    folder = folder or directory()
    name = name or f"{now.strftime('%Y-%m-%dT%H%M%S.%fZ')}-{reason}.p7m"
    data = (tools or evidence()).sign_json({
        "format": FORMAT, "entries": head.entries, "last_id": head.last_id,
        "last_hash": head.last_hash, "written_at": now.isoformat(), "reason": reason})
    private_dir(folder)
    target = folder / name
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=".incoming-")  # 0600
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(0o400)
        try:
            os.link(temp, target)  # never replaces a checkpoint
        except FileExistsError:
            return None
    finally:
        temp.unlink(missing_ok=True)
    return target


def _open(data: bytes) -> OpenedJson:
    """Checked once per process: a checkpoint never changes (a changed one has other bytes)."""
    cache: dict[str, OpenedJson] = app_cache("audit_checkpoints_opened")  # sha256 → opened
    key = hashlib.sha256(data).hexdigest()
    if key not in cache:
        cache[key] = evidence().open_json(data)
    return cache[key]


def read_all() -> list[Checkpoint]:
    """Every checkpoint file, each checked: seal intact and trusted, and in the format."""
    folder = directory()
    if not folder.exists():
        return []
    found = []
    for path in sorted(folder.glob("*.p7m")):
        opened = _open(path.read_bytes())
        document = opened.document
        if document is None:
            found.append(Checkpoint(path.name, None, opened.problem))
            continue
        try:
            if document.get("format") != FORMAT:
                raise ValueError(document.get("format"))
            head = Head(int(document["entries"]), int(document["last_id"]),
                        str(document["last_hash"]))
        except (KeyError, TypeError, ValueError):
            found.append(Checkpoint(path.name, None, "sealed, but not an audit checkpoint"))
            continue
        found.append(Checkpoint(path.name, head, "", str(document.get("written_at", ""))))
    return found


def due_today(day: date) -> bool:
    """Has this day no checkpoint yet? (a stat at most once per process and day)"""
    if current_app.extensions.get(_DAY) == day:
        return False
    if (directory() / daily_name(day)).exists():
        current_app.extensions[_DAY] = day
        return False
    return True


def write_daily(head: Head, day: date, tools: Evidence, folder: Path) -> None:
    """The day's checkpoint, after the commit of its first append. A failure is logged, not
    raised (the append has committed); the next append tries again."""
    try:
        write(head, "daily", tools=tools, folder=folder, name=daily_name(day))
    except (DocumentError, OSError) as exc:
        current_app.logger.error("audit checkpoint of %s not written: %s", day, exc)
        return
    current_app.extensions[_DAY] = day
