"""FK 9448 registration and its rättelse, and the one mapping of FK 9448/9449 answers to a
registration's columns and support rows.

:func:`start_columns` and :func:`end_columns` are the only place that says which validated
answer (``formapp.definitions.check``) goes to which column of ``registration`` (the block's
own columns come from ``records.form_values``). Both writers use them: the ORM path of one
registration (:func:`register_participant`, :func:`correct_registration`,
``cases.deregistration``) through :func:`apply_columns`, and the bulk INSERTs of the Excel
import (``cases.importing``) and of the synthetic data (``tooling.synthetic``) through
:func:`bulk_row`.

The cases check, render and seal the PDF, add the records and flush; the caller commits once.
None of them needs a request. A refusal raises ``InvalidAnswers`` or ``RuleViolation``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from formapp.cases.paper_forms import checked_answers, form_record, seal_form
from formapp.domain.personnummer import Personnummer
from formapp.extensions import db
from formapp.i18n import _lo
from formapp.records.change_log import changed_fields, registration_changed
from formapp.records.errors import InvalidAnswers, RuleViolation
from formapp.records.form_values import block_columns, to_json
from formapp.records.models import (
    Consent,
    ConsentStatus,
    Insats,
    Person,
    Registration,
    RegistrationRevision,
    RegistrationSupport,
    User,
)
from formapp.records.periods import overlap_message, overlapping
from formapp.records.registrations import FORM, active_registration, definition, form_context


@dataclass(frozen=True)
class Columns:
    """Answers as a registration's columns (``values``, by column name) and its support rows
    (``supports``: measurement, kind) of the ``measurements`` they cover."""

    values: dict[str, object]
    supports: tuple[tuple[str, str], ...]
    measurements: tuple[str, ...]

    def __or__(self, other: Columns) -> Columns:
        return Columns(self.values | other.values, self.supports + other.supports,
                       self.measurements + other.measurements)


def start_columns(values: Mapping[str, object], pnr: Personnummer) -> Columns:
    """FK 9448's validated answers (of the person ``pnr``): the registration's columns and
    its "före" support rows."""
    start = values["startdatum"]
    assert isinstance(start, date)
    fore, kinds = block_columns(values, measurement="fore")
    return Columns({
        "name": str(values["namn"]), "start_date": start, "age_at_start": pnr.age_on(start),
        "kommun": str(values["kommun"]), "stadsdel": values.get("stadsdel"),
        "utbildning": str(values["utbildning"]),
        "forsorjning_tid": str(values["forsorjning_tid"]), "answers": to_json(values),
        **fore}, tuple(("fore", kind) for kind in kinds), ("fore",))


def end_columns(values: Mapping[str, object] | None, *, measured: bool) -> Columns:
    """FK 9449's validated answers (None: still active): the ending's columns and the
    "efter" support rows; without an after-measurement (``measured`` false: end reasons 6
    and 7) every column of the block is NULL."""
    efter, kinds = block_columns(values if values is not None and measured else {},
                                 measurement="efter")
    return Columns({
        "end_date": values["avslutningsdatum"] if values is not None else None,
        "end_reason": str(values["avslutningsanledning"]) if values is not None else None,
        "end_answers": to_json(values) if values is not None else None,
        **efter}, tuple(("efter", kind) for kind in kinds), ("efter",))


def apply_columns(registration: Registration, columns: Columns) -> None:
    """The ORM path: ``columns`` set on ``registration``, the support rows of its
    measurements replaced (the other measurement's kept)."""
    # The support rows are read first: loading them autoflushes, and the columns must reach the
    # database as one UPDATE (the consent gate's trigger takes a withdrawal's ending only whole).
    kept = [s for s in registration.supports if s.measurement not in columns.measurements]
    for name, value in columns.values.items():
        setattr(registration, name, value)
    registration.supports = kept + [
        RegistrationSupport(measurement=measurement, kind=kind)
        for measurement, kind in columns.supports]


def bulk_row(columns: Columns, *, forbund_id: int, insats_id: int, person_id: int,
             consent_id: str, kon: str, officer_id: int | None, document: str,
             now: datetime) -> dict[str, object]:
    """The bulk path: a registration as one row of an INSERT (the Excel import, the synthetic
    data), ``columns`` and what the ORM path sets beside them; ``document`` (a sealed PDF's
    SHA-256) stands for its FK 9448 and, when ``columns`` end it, its FK 9449."""
    ended = columns.values["end_answers"] is not None
    return {"forbund_id": forbund_id, "insats_id": insats_id, "person_id": person_id,
            "consent_id": consent_id, "officer_id": officer_id, "kon": kon,
            "document_id": str(uuid.uuid4()), "pdf_sha256": document, "registered_at": now,
            "updated_at": now, "version": 1, **columns.values,
            "end_document_id": str(uuid.uuid4()) if ended else None,
            "end_pdf_sha256": document if ended else None,
            "ended_at": now if ended else None,
            "ended_by_id": officer_id if ended else None}


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
    apply_columns(registration, start_columns(checked.values, pnr))
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
    apply_columns(registration, start_columns(checked.values, pnr))
    registration.document_id = document_id
    registration.pdf_sha256 = digest
    registration.updated_at = now
    db.session.flush()
    registration_changed(registration, actor=by, action="registration.corrected",
                         why="Rättelse FK 9448", fields=fields, document_id=document_id,
                         pdf_sha256=digest)
    return registration
