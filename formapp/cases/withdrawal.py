"""Withdrawing a consent (GDPR art. 7.3) with everything it ends, in one transaction: its
open registration is ended as reason 6 *Medgivande återtaget* with a sealed FK 9449 (no
after-measurement), then the consent is withdrawn with its sealed receipt (DESIGN.md §5).
Every page that withdraws a consent calls this; flush only, the caller commits."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from formapp.cases.consent import withdraw_consent, withdrawal_reason
from formapp.cases.deregistration import end_on_withdrawal
from formapp.extensions import db
from formapp.records.models import Consent, Registration, User


def withdraw(consent: Consent, *, by: User, reason: str, today: date,
             now: datetime | None = None) -> Consent:
    now = now or datetime.now(UTC)
    reason = withdrawal_reason(consent, reason)  # refused before anything is sealed
    registration = db.session.scalar(select(Registration).where(
        Registration.consent_id == consent.id, Registration.end_date.is_(None)))
    if registration is None:
        return withdraw_consent(consent, by=by, reason=reason, now=now)
    end_on_withdrawal(registration, by=by, reason=reason, today=today, now=now)
    return consent
