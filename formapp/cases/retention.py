"""Disposal of what is past its retention period (``records.retention.plan_retention`` says
what): the consent, the participation resting on it, their sealed PDFs and (when nothing else is
left) the person, each disposal audited; and the consent drafts nobody signed. Flushes only; the
files go when the caller commits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from formapp.evidence import evidence, remove_after_commit
from formapp.extensions import db
from formapp.records.audit import log_event
from formapp.records.models import (
    ArchivedDocument,
    Consent,
    ConsentDraft,
    Person,
    Registration,
    RegistrationErasure,
    RegistrationRevision,
)
from formapp.records.retention import RetentionPlan


def dispose(plan: RetentionPlan) -> None:
    """Carry out ``plan`` (flush only; files go when the transaction commits)."""
    archive = evidence().archive
    for item in plan.disposals:
        consent = db.session.get_one(Consent, item.consent_id)
        person_id = consent.person_id
        if item.registration_id is not None:
            db.session.execute(delete(RegistrationRevision).where(
                RegistrationRevision.registration_id == item.registration_id))
            db.session.delete(db.session.get(Registration, item.registration_id))
        db.session.execute(delete(RegistrationErasure).where(
            RegistrationErasure.consent_id == consent.id))
        db.session.delete(consent)
        db.session.flush()
        for digest in item.documents:
            if db.session.scalar(select(func.count()).select_from(Consent).where(
                    Consent.pdf_sha256 == digest)):
                continue  # still someone else's proof
            document = db.session.get(ArchivedDocument, digest)
            if document is not None:
                db.session.delete(document)
            remove_after_commit(db.session(), archive, digest)
        if item.person_removed:
            db.session.delete(db.session.get(Person, person_id))
        log_event(actor=None, action="retention.disposed", subject=f"consent:{consent.id}",
                  why=f"Gallring: {item.reason}, före {plan.cutoff.isoformat()}",
                  forbund_id=consent.forbund_id,
                  details={"documents": list(item.documents),
                           "registration_id": item.registration_id,
                           "person_removed": item.person_removed})
        db.session.flush()


def purge_drafts(*, older_than_hours: int, now: datetime | None = None) -> int:
    """Delete unsigned consent drafts older than ``older_than_hours`` (they hold a
    personnummer); one audit entry says how many (flush only)."""
    cutoff = (now or datetime.now(UTC)) - timedelta(hours=older_than_hours)
    old = ConsentDraft.created_at < cutoff
    count = db.session.scalar(select(func.count(ConsentDraft.id)).where(old)) or 0
    if count:
        db.session.execute(delete(ConsentDraft).where(old))
        log_event(actor=None, action="consent.drafts_purged", subject="consent_draft",
                  why=f"Osignerade utkast äldre än {older_than_hours} timmar togs bort",
                  details={"count": count, "older_than_hours": older_than_hours})
    return count
