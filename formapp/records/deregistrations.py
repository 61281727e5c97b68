"""FK 9449: ending a registration, and what end reasons 6, 7 and 8 do beyond being recorded.

- 6 *Medgivande återtaget*: the consent is withdrawn (``withdraw_consent``: its history and
  proof stay, a sealed receipt is made); nothing more about the person is registered.
- 7 *Utskrivning - utan mätning*: no after-measurement (the definition does not ask it).
- 8 *Felregistrering*: not an ending but a removal: :func:`erase_registration`, after the
  officer has confirmed :func:`erasure_plan`. The consent and its proof stay.

The effects are read from the definition's options (``effect``), not from the codes.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from formapp.definitions import Checked, FormDefinition, load_form
from formapp.domain.personnummer import Personnummer
from formapp.evidence import evidence, remove_after_commit
from formapp.extensions import db
from formapp.i18n import _lo
from formapp.records.consents import withdraw_consent
from formapp.records.errors import RuleViolation
from formapp.records.form_values import apply_block, clear_block, to_json
from formapp.records.models import (
    ArchivedDocument,
    ConsentStatus,
    Registration,
    RegistrationErasure,
    User,
)
from formapp.records.paper_forms import checked_answers, form_record, seal_form

FORM = "9449"
REASON_FIELD = "avslutningsanledning"


def definition() -> FormDefinition:
    return load_form(FORM)


def form_context(registration: Registration) -> dict[str, object]:
    insats = registration.insats
    return {"samverkansorganisation": insats.forbund.name, "insats": insats.name,
            "startdatum": registration.start_date}


def effect_of(reason: object) -> str | None:
    """The definition's effect of an end reason code (None for an ordinary ending)."""
    options = definition().field(REASON_FIELD).options
    assert options is not None
    try:
        return options.get(str(reason)).effect
    except KeyError:
        return None


def check_deregistration(registration: Registration, answers: Mapping[str, object], *,
                         today: date) -> Checked:
    """The 9449 answers checked for ``registration`` (raises ``InvalidAnswers``)."""
    if not registration.is_active:
        raise RuleViolation("", _lo("Deltagaren är redan utregistrerad."))
    return checked_answers(definition(), answers, registration.person.personnummer,
                           today=today, context=form_context(registration))


def deregister(registration: Registration, answers: Mapping[str, object], *, by: User,
               today: date, now: datetime | None = None) -> Registration:
    """FK 9449 for an active registration: end date, reason, the after-block, a sealed PDF.

    End reason 8 is refused here: it removes the registration (:func:`erase_registration`).
    """
    now = now or datetime.now(UTC)
    checked = check_deregistration(registration, answers, today=today)
    values = checked.values
    reason = values[REASON_FIELD]
    effect = effect_of(reason)
    if effect == "remove_registration":
        raise RuleViolation(REASON_FIELD, _lo(
            "Felregistrering tar bort registreringen: bekräfta det på sidan som visar vad som "
            "tas bort."))
    pnr = values["personnummer"]
    assert isinstance(pnr, Personnummer)
    insats, context = registration.insats, form_context(registration)
    document_id = str(uuid.uuid4())
    record = form_record(FORM, document_id, insats, pnr, by, values, now,
                         registration_document_id=registration.document_id,
                         consent_document_id=registration.consent_id)
    digest = seal_form(definition(), values, document_id=document_id, insats=insats,
                       officer=by, context=context, now=now, record=record,
                       reason="Utregistrering FK 9449")
    end = values["avslutningsdatum"]
    assert isinstance(end, date)
    registration.end_date = end
    registration.end_reason = str(reason)
    registration.end_answers = to_json(values)
    registration.end_document_id = document_id
    registration.end_pdf_sha256 = digest
    registration.ended_at = now
    registration.ended_by_id = by.id
    registration.updated_at = now
    if checked.asked.get("arbetar_efter"):
        apply_block(registration, values, measurement="efter")
    else:
        clear_block(registration, measurement="efter")
    if effect == "withdraw_consent" and \
            registration.consent.status != ConsentStatus.WITHDRAWN.value:
        withdraw_consent(registration.consent, by=by, now=now, reason=(
            f"FK 9449 avslutningsanledning {reason} Medgivande återtaget, "
            f"avslutningsdatum {end.isoformat()}."))
    db.session.flush()
    return registration


@dataclass(frozen=True)
class ErasurePlan:
    """Exactly what end reason 8 removes, and what stays."""

    registration: Registration
    documents: tuple[str, ...]  # SHA-256 of every sealed PDF of the registration
    revisions: int
    support_rows: int


def erasure_plan(registration: Registration) -> ErasurePlan:
    documents = [registration.pdf_sha256, registration.end_pdf_sha256,
                 *(revision.previous_pdf_sha256 for revision in registration.revisions)]
    return ErasurePlan(registration, tuple(d for d in documents if d),
                       len(registration.revisions), len(registration.supports))


def erase_registration(registration: Registration, *, by: User,
                       now: datetime | None = None) -> RegistrationErasure:
    """End reason 8, Felregistrering: the registration, its answers, history and sealed PDFs
    are removed (the files once the transaction commits). The consent, its proof and the
    person it names stay; a row without personal data says that a removal happened."""
    now = now or datetime.now(UTC)
    plan = erasure_plan(registration)
    erasure = RegistrationErasure(
        forbund_id=registration.forbund_id, insats_id=registration.insats_id,
        consent_id=registration.consent_id, documents_removed=len(plan.documents),
        erased_at=now, erased_by_id=by.id)
    db.session.add(erasure)
    db.session.delete(registration)
    db.session.flush()
    archive = evidence().archive
    for digest in plan.documents:
        document = db.session.get(ArchivedDocument, digest)
        if document is not None:
            db.session.delete(document)
        remove_after_commit(db.session(), archive, digest)
    db.session.flush()
    return erasure


def erasures_of(consent_id: str) -> list[RegistrationErasure]:
    return list(db.session.scalars(select(RegistrationErasure).where(
        RegistrationErasure.consent_id == consent_id)))
