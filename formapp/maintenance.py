"""What crashes and abandoned tablets leave behind, cleared: ``formapp maintenance`` (run it
from cron, e.g. hourly) and ``formapp verify --all`` both do it and report the counts.

* Staged documents (``archive/.staging/*.pdf``): promoted if their record committed, else
  dropped (``archive_check.recover_staged``).
* Half-written files (``.incoming-*``, anywhere in the archive): a process killed between
  writing a file and linking it into place. A whole file whose record committed is completed
  into the archive; anything else is removed.
* Consent drafts nobody signed, older than ``FORMAPP_DRAFT_PURGE_HOURS``: they hold a
  personnummer, and a draft is unusable after ``consents.DRAFT_LIFETIME`` anyway.

Files younger than ``min_age_seconds`` may belong to a transaction still running in another
process and are left alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from formapp.documents.archive import sha256_hex
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.private_files import private_dir
from formapp.records.audit import log_event
from formapp.records.models import ArchivedDocument, ConsentDraft


@dataclass(frozen=True)
class Leftovers:
    completed: int  # whole files whose record committed, now in the archive
    removed: int  # partial files, or files whose record never committed


def clear_incoming(min_age_seconds: float) -> Leftovers:
    archive = evidence().archive
    if not archive.root.exists():
        return Leftovers(0, 0)
    completed = removed = 0
    now = time.time()
    for path in sorted(archive.root.rglob(".incoming-*")):
        try:
            if now - path.stat().st_mtime < min_age_seconds:
                continue
            data = path.read_bytes()
        except FileNotFoundError:
            continue  # its writer finished meanwhile
        digest = sha256_hex(data)
        target = archive.path_for(digest)
        if not target.exists() and db.session.get(ArchivedDocument, digest) is not None:
            private_dir(target.parent)
            target.write_bytes(data)
            target.chmod(0o400)
            completed += 1
        else:
            removed += 1
        path.unlink(missing_ok=True)
    return Leftovers(completed, removed)


def purge_drafts(now: datetime | None = None) -> int:
    """Delete unsigned consent drafts older than the configured time; one audit entry says
    how many (flush only)."""
    hours = current_app.config["FORMAPP_DRAFT_PURGE_HOURS"]
    cutoff = (now or datetime.now(UTC)) - timedelta(hours=hours)
    old = ConsentDraft.created_at < cutoff
    count = db.session.scalar(select(func.count(ConsentDraft.id)).where(old)) or 0
    if count:
        db.session.execute(delete(ConsentDraft).where(old))
        log_event(actor=None, action="consent.drafts_purged", subject="consent_draft",
                  why=f"Osignerade utkast äldre än {hours} timmar togs bort",
                  details={"count": count, "older_than_hours": hours})
    return count
