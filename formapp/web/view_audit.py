"""Every look at personal data goes into the audit trail: who (the logged-in user), when, what
(action and subject) and why (what the page is for). Committed at once, so a view is logged
even if rendering the page fails afterwards."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_login import current_user

from formapp.extensions import db
from formapp.records.audit import log_event
from formapp.records.models import Consent, Registration


def record_view(*, action: str, subject: str, why: str, forbund_id: int | None,
                personnummer: str | None = None,
                details: Mapping[str, Any] | None = None) -> None:
    log_event(actor=current_user, action=action, subject=subject, why=why,
              forbund_id=forbund_id, personnummer=personnummer, details=details)
    # The page goes on with what it has loaded and checked access on (the user, the record,
    # its insats and förbund) instead of reading each of them again after this commit.
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def registration_viewed(registration: Registration, action: str, why: str,
                        **details: Any) -> None:
    record_view(action=action, subject=f"registration:{registration.id}", why=why,
                forbund_id=registration.forbund_id,
                personnummer=registration.person.personnummer,
                details={"insats_id": registration.insats_id, **details})


def consent_viewed(consent: Consent, action: str, why: str) -> None:
    record_view(action=action, subject=f"consent:{consent.id}", why=why,
                forbund_id=consent.forbund_id, personnummer=consent.person.personnummer)


def consents_listed(consents: Iterable[Consent], *, insats_id: int, forbund_id: int,
                    why: str) -> None:
    """A list of consents with names (and personnummer) shown: which ones, not the names."""
    ids = [c.id for c in consents]
    if ids:
        record_view(action="consents.listed", subject=f"insats:{insats_id}", why=why,
                    forbund_id=forbund_id, details={"consent_ids": ids})


def participants_listed(registrations: Iterable[Registration], *, insats_id: int,
                        forbund_id: int, personnummer: str | None,
                        details: Mapping[str, Any]) -> None:
    """Sök deltagare's result: which participations were shown, and what was asked (a whole
    personnummer goes in as the person's key, never as text)."""
    record_view(action="participants.searched", subject=f"insats:{insats_id}",
                why="Sök deltagare", forbund_id=forbund_id, personnummer=personnummer,
                details={**details, "registration_ids": [r.id for r in registrations]})


def registrations_listed(registrations: Iterable[Registration], *, insats_id: int,
                         forbund_id: int, page: int) -> None:
    """The insats page's participant list (names and personnummer): which participations."""
    ids = [r.id for r in registrations]
    if ids:
        record_view(action="participants.listed", subject=f"insats:{insats_id}",
                    why="Insatsens deltagarlista", forbund_id=forbund_id,
                    details={"page": page, "registration_ids": ids})
