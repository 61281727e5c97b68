"""What crashes and abandoned tablets leave behind, cleared: ``formapp maintenance`` (run it
from cron, e.g. hourly) and ``formapp verify --all`` both do it and report the counts.

* Staged documents (``archive/.staging/*.pdf``; the S3 backend's ``staging/``): promoted if
  their record committed, else dropped (``archive_check.recover_staged``).
* Half-written files (``.incoming-*``, anywhere in the local archive): a process killed
  between writing a file and linking it into place. A whole file (a plain PDF, or an envelope
  that opens) whose record committed is completed into the archive; anything else is removed.
  The database backend writes a document in its record's transaction, an S3 PUT is whole or
  nothing: neither leaves one.
* Consent drafts nobody signed, older than ``FORMAPP_DRAFT_PURGE_HOURS``: they hold a
  personnummer, and a draft is unusable after ``consents.DRAFT_LIFETIME`` anyway.

Files younger than ``min_age_seconds`` may belong to a transaction still running in another
process and are left alone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from formapp.documents.archive_store import Leftovers
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.audit import log_event
from formapp.records.models import ArchivedDocument, ConsentDraft


def clear_incoming(min_age_seconds: float) -> Leftovers:
    """Half-written archive files (the local backend's; the others have none)."""
    def committed(digest: str) -> bool:
        return db.session.get(ArchivedDocument, digest) is not None

    return evidence().archive.clear_incoming(min_age_seconds, committed)


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
