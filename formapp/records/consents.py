"""FK 9443's store: the draft kept while the tablet is with the participant, and the consents
(who has one, for which insats, which draft became which consent). Queries only; the writes
(start, sign, discard, withdraw) are the cases of ``formapp.cases.consent``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from formapp.extensions import db
from formapp.protection.lookup import personnummer_hashes
from formapp.records.models import Consent, ConsentDraft, ConsentStatus, Insats, Person

DRAFT_LIFETIME = timedelta(hours=12)


def find_person(forbund_id: int, personnummer: str) -> Person | None:
    """The person with these 12 digits in the förbund, found by the keyed hash."""
    return db.session.scalar(select(Person).where(
        Person.forbund_id == forbund_id,
        Person.personnummer_hmac.in_(personnummer_hashes(personnummer))))


def active_consent(person: Person | None, insats: Insats) -> Consent | None:
    if person is None:
        return None
    return db.session.scalar(select(Consent).where(
        Consent.person_id == person.id, Consent.insats_id == insats.id,
        Consent.status == ConsentStatus.ACTIVE.value))


def draft_by_token(token: str, *, now: datetime | None = None) -> ConsentDraft | None:
    # Every consent page reads the insats, its förbund and the officer: one query, not four.
    draft = db.session.scalar(
        select(ConsentDraft).where(ConsentDraft.token == token)
        .options(joinedload(ConsentDraft.insats).joinedload(Insats.forbund),
                 joinedload(ConsentDraft.officer)))
    if draft is None:
        return None
    created = draft.created_at if draft.created_at.tzinfo else draft.created_at.replace(
        tzinfo=UTC)
    if (now or datetime.now(UTC)) - created > DRAFT_LIFETIME:
        return None
    return draft


def draft_token_digest(token: str) -> str:
    """What a consent keeps of the draft it was signed from: the token's SHA-256, never the
    token (it opens the participant's pages)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def consent_from_draft(token: str) -> Consent | None:
    """The consent the draft with ``token`` became, once one is committed (else None)."""
    return db.session.scalar(select(Consent).where(
        Consent.draft_token_sha256 == draft_token_digest(token)))


def consents_of(person: Person) -> list[Consent]:
    return list(db.session.scalars(select(Consent).where(Consent.person_id == person.id)
                                   .order_by(Consent.signed_at.desc())))


def consents_for_insats(insats: Insats, limit: int = 50) -> list[Consent]:
    return list(db.session.scalars(select(Consent).where(Consent.insats_id == insats.id)
                                   .order_by(Consent.signed_at.desc()).limit(limit)))
