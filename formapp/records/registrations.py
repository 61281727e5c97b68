"""FK 9448: registering a participant with personal data, the consent gate, and rättelse.

Store functions: they check, render and seal the PDF, add the records and flush; the caller
commits once. None of them needs a request (the CLI, the demo and the bench call them too).
Answers are validated only by ``formapp.definitions.check``; a refusal raises
:class:`InvalidAnswers` with the messages by field.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from formapp.definitions import FormDefinition, load_form
from formapp.domain.personnummer import Personnummer, PersonnummerError, parse_personnummer
from formapp.extensions import db
from formapp.i18n import _lo
from formapp.records.change_log import changed_fields, registration_changed
from formapp.records.consents import active_consent, find_person
from formapp.records.errors import InvalidAnswers, RuleViolation
from formapp.records.form_values import apply_block, to_json
from formapp.records.models import (
    Consent,
    ConsentStatus,
    Insats,
    Person,
    Registration,
    RegistrationRevision,
    User,
)
from formapp.records.paper_forms import checked_answers, form_record, seal_form
from formapp.records.periods import overlap_message, overlapping

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


def _apply_9448(registration: Registration, values: Mapping[str, object],
                pnr: Personnummer) -> None:
    start = values["startdatum"]
    assert isinstance(start, date)
    registration.name = str(values["namn"])
    registration.start_date = start
    registration.age_at_start = pnr.age_on(start)
    registration.kommun = str(values["kommun"])
    registration.stadsdel = values.get("stadsdel")  # type: ignore[assignment]
    registration.utbildning = str(values["utbildning"])
    registration.forsorjning_tid = str(values["forsorjning_tid"])
    registration.answers = to_json(values)
    apply_block(registration, values, measurement="fore")


def register_participant(consent: Consent, answers: Mapping[str, object], *, officer: User,
                         today: date, now: datetime | None = None) -> Registration:
    """FK 9448 on ``consent``: the consent becomes used, the sealed PDF is archived.

    ``answers`` are the form's answers except personnummer (the consent's person's).
    """
    now = now or datetime.now(UTC)
    insats, person = consent.insats, consent.person
    if consent.status != ConsentStatus.ACTIVE.value:
        raise RuleViolation("personnummer", _lo(
            "Samtycket är inte längre aktivt (det är använt eller återkallat). Ta ett nytt "
            "samtycke eller registrera deltagaren anonymt."))
    if insats.is_volyminsats:
        raise RuleViolation("personnummer", _lo(
            "I en volyminsats registreras bara antal deltagare."))
    if active_registration(person, insats) is not None:
        raise RuleViolation("personnummer", _lo("Personen är redan inregistrerad i insatsen."))
    context = form_context(insats)
    checked = checked_answers(definition(), answers, person.personnummer, today=today,
                              context=context)
    pnr = checked.values["personnummer"]
    assert isinstance(pnr, Personnummer)
    _refuse_overlap(registration=None, person=person, insats=insats, values=checked.values,
                    end=None)
    document_id = str(uuid.uuid4())
    record = form_record(FORM, document_id, insats, pnr, officer, checked.values, now,
                         consent_document_id=consent.id, registration_id=None)
    digest = seal_form(definition(), checked.values, document_id=document_id, insats=insats,
                       officer=officer, context=context, now=now, record=record,
                       reason="Inregistrering FK 9448")
    registration = Registration(
        forbund_id=insats.forbund_id, insats=insats, person=person, consent=consent,
        officer_id=officer.id, document_id=document_id, pdf_sha256=digest, registered_at=now,
        updated_at=now)
    _apply_9448(registration, checked.values, pnr)
    consent.status = ConsentStatus.USED.value
    consent.used_at = now
    db.session.add(registration)
    db.session.flush()
    registration_changed(registration, actor=officer, action="registration.registered",
                         why="Inregistrering FK 9448", fields=registration.answers,
                         document_id=document_id, pdf_sha256=digest)
    return registration


def _refuse_overlap(*, registration: Registration | None, person: Person, insats: Insats,
                    values: Mapping[str, object], end: date | None) -> None:
    start = values["startdatum"]
    assert isinstance(start, date)
    other = overlapping(person, insats, start, end, exclude=registration)
    if other is not None:
        raise InvalidAnswers({"startdatum": [overlap_message(other.start_date,
                                                             other.end_date)]})


def correct_registration(registration: Registration, answers: Mapping[str, object], *,
                         by: User, today: date, now: datetime | None = None) -> Registration:
    """Rättelse of the FK 9448 answers: the earlier values and PDF go to the history with who
    and when; a new sealed PDF shows the corrected form."""
    now = now or datetime.now(UTC)
    if registration.consent.status == ConsentStatus.WITHDRAWN.value:
        raise RuleViolation("", _lo("Samtycket är återkallat: inga fler personuppgifter "
                                    "registreras om deltagaren, så registreringen kan inte "
                                    "rättas."))
    insats = registration.insats
    context = form_context(insats)
    checked = checked_answers(definition(), answers, registration.person.personnummer,
                              today=today, context=context)
    if to_json(checked.values) == registration.answers:
        raise RuleViolation("", _lo("Inget är ändrat."))
    start = checked.values["startdatum"]
    if registration.end_date is not None and isinstance(start, date) \
            and start > registration.end_date:
        raise InvalidAnswers({"startdatum": [_lo(
            "Startdatum kan inte vara efter avslutningsdatum (%(end)s).",
            end=registration.end_date.isoformat())]})
    pnr = checked.values["personnummer"]
    assert isinstance(pnr, Personnummer)
    _refuse_overlap(registration=registration, person=registration.person, insats=insats,
                    values=checked.values, end=registration.end_date)
    fields = changed_fields(registration.answers, to_json(checked.values))
    document_id = str(uuid.uuid4())
    record = form_record(FORM, document_id, insats, pnr, by, checked.values, now,
                         consent_document_id=registration.consent_id,
                         registration_id=registration.id,
                         corrects_document_id=registration.document_id)
    digest = seal_form(definition(), checked.values, document_id=document_id, insats=insats,
                       officer=by, context=context, now=now, record=record,
                       reason="Rättelse FK 9448")
    registration.revisions.append(RegistrationRevision(
        form=FORM, previous_answers=registration.answers,
        previous_document_id=registration.document_id,
        previous_pdf_sha256=registration.pdf_sha256, changed_at=now, changed_by_id=by.id))
    _apply_9448(registration, checked.values, pnr)
    registration.document_id = document_id
    registration.pdf_sha256 = digest
    registration.updated_at = now
    db.session.flush()
    registration_changed(registration, actor=by, action="registration.corrected",
                         why="Rättelse FK 9448", fields=fields, document_id=document_id,
                         pdf_sha256=digest)
    return registration


def registrations_of(insats: Insats, limit: int = 50) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).where(Registration.insats_id == insats.id)
        .order_by(Registration.registered_at.desc()).limit(limit)))


def registration_of_consent(consent: Consent) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.consent_id == consent.id))
