"""FK 9448's queries: the form, what it shows from the insats, the consent gate, and a
person's or consent's registrations. Registering and rättelse are cases
(``formapp.cases.registration``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from formapp.definitions import FormDefinition, load_form
from formapp.domain.personnummer import Personnummer, PersonnummerError, parse_personnummer
from formapp.extensions import db
from formapp.records.consents import active_consent, find_person
from formapp.records.errors import RuleViolation
from formapp.records.models import (
    Consent,
    Insats,
    Person,
    Registration,
)

FORM = "9448"


def definition() -> FormDefinition:
    return load_form(FORM)


def form_context(insats: Insats) -> dict[str, object]:
    """The values FK 9448 shows but does not ask: they come from the insats."""
    return {"samverkansorganisation": insats.forbund.name, "insats": insats.name,
            "insats_start": insats.start_date, "insats_slut": insats.end_date}


def active_registration(person: Person | None, insats: Insats) -> Registration | None:
    if person is None:
        return None
    return db.session.scalar(select(Registration).where(
        Registration.person_id == person.id, Registration.insats_id == insats.id,
        Registration.end_date.is_(None)))


@dataclass(frozen=True)
class Gate:
    """What the consent gate says about a person in an insats: ``consent`` to register on
    (active and unused), or ``registration`` when they are already registered, or neither
    (no consent: take one, or register anonymously)."""

    personnummer: Personnummer
    consent: Consent | None = None
    registration: Registration | None = None


def gate(insats: Insats, personnummer: str, *, today: date) -> Gate:
    """Personal data only with an active, unused consent of this person for this insats."""
    try:
        pnr = parse_personnummer(personnummer, today=today)
    except PersonnummerError as exc:
        raise RuleViolation("personnummer", exc.message) from exc
    person = find_person(insats.forbund_id, pnr.digits)
    registration = active_registration(person, insats)
    if registration is not None:
        return Gate(pnr, registration=registration)
    return Gate(pnr, consent=active_consent(person, insats))


def registrations_of(insats: Insats, limit: int = 50) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).where(Registration.insats_id == insats.id)
        .order_by(Registration.registered_at.desc()).limit(limit)))


def registration_of_consent(consent: Consent) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.consent_id == consent.id))
