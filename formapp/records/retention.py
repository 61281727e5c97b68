"""Retention: proof of a consent and of its withdrawal is kept for ``FORMAPP_RETENTION_YEARS``
after it stopped being needed; then the consent, the participation resting on it, their sealed
PDFs and (when nothing else is left) the person are disposed of. :func:`plan_retention` says
what is past it (a read); ``formapp.cases.retention.dispose`` carries the plan out.

"Stopped being needed": a withdrawn consent from its withdrawal, a used one from the end of its
participation, an unused one from its signing. An ongoing participation keeps everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from formapp.extensions import db
from formapp.records.models import Consent, ConsentStatus, Registration


@dataclass(frozen=True)
class Disposal:
    consent_id: str
    insats: str
    reason: str  # why it is past its retention
    documents: tuple[str, ...]
    registration_id: int | None
    person_removed: bool


@dataclass
class RetentionPlan:
    cutoff: date
    disposals: list[Disposal] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return sum(len(d.documents) for d in self.disposals)


def _cutoff(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _ended(consent: Consent, registration: Registration | None, cutoff: date) -> str | None:
    """Why ``consent`` is past retention, or None if it is not."""
    if registration is not None:
        if registration.end_date is None or registration.end_date >= cutoff:
            return None
        return f"deltagandet avslutades {registration.end_date.isoformat()}"
    if consent.status == ConsentStatus.WITHDRAWN.value and consent.withdrawn_at is not None:
        withdrawn = consent.withdrawn_at.date()
        return f"återkallat {withdrawn.isoformat()}" if withdrawn < cutoff else None
    if consent.signed_on < cutoff and consent.status != ConsentStatus.USED.value:
        return f"lämnat {consent.signed_on.isoformat()} och aldrig använt"
    return None


def plan_retention(today: date, years: int) -> RetentionPlan:
    plan = RetentionPlan(_cutoff(today, years))
    candidates = db.session.scalars(select(Consent).where(
        Consent.signed_on < plan.cutoff).order_by(Consent.signed_at)).all()
    for consent in candidates:
        registration = db.session.scalar(select(Registration).where(
            Registration.consent_id == consent.id))
        reason = _ended(consent, registration, plan.cutoff)
        if reason is None:
            continue
        documents = [consent.pdf_sha256, consent.withdrawal_pdf_sha256]
        if registration is not None:
            documents += [registration.pdf_sha256, registration.end_pdf_sha256]
            documents += [r.previous_pdf_sha256 for r in registration.revisions]
        others = db.session.scalar(select(func.count()).select_from(Consent).where(
            Consent.person_id == consent.person_id, Consent.id != consent.id))
        plan.disposals.append(Disposal(
            consent.id, consent.insats.name, reason, tuple(d for d in documents if d),
            registration.id if registration else None, person_removed=not others))
    return plan
