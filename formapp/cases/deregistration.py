"""FK 9449 cases: ending a registration, its rättelse, the ending a withdrawal makes, and end
reason 8's removal.

- 6 *Medgivande återtaget*: the consent is withdrawn (``withdraw_consent``: its history and
  proof stay, a sealed receipt is made); nothing more about the person is registered.
- 7 *Utskrivning - utan mätning*: no after-measurement (the definition does not ask it).
- 8 *Felregistrering*: not an ending but a removal: :func:`erase_registration`, after the
  officer has confirmed ``records.deregistrations.erasure_plan``. The consent and its proof
  stay.

Each case checks, renders and seals the PDF, writes the rows and the audit entry and flushes;
the caller commits once. None of them needs a request.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime

from formapp.cases.consent import withdraw_consent
from formapp.cases.paper_forms import checked_answers, form_record, seal_form
from formapp.cases.registration import apply_columns, end_columns
from formapp.definitions import Checked
from formapp.domain.personnummer import Personnummer
from formapp.evidence import evidence, remove_after_commit
from formapp.extensions import db
from formapp.i18n import _lo
from formapp.records.change_log import changed_fields, registration_changed
from formapp.records.deregistrations import (
    FORM,
    REASON_FIELD,
    WITHDRAWN,
    definition,
    effect_of,
    erasure_plan,
    form_context,
)
from formapp.records.errors import InvalidAnswers, RuleViolation
from formapp.records.form_values import to_json
from formapp.records.models import (
    ArchivedDocument,
    ConsentStatus,
    Registration,
    RegistrationErasure,
    RegistrationRevision,
    User,
)
from formapp.records.periods import overlap_message, overlapping


def check_deregistration(registration: Registration, answers: Mapping[str, object], *,
                         today: date) -> Checked:
    """The 9449 answers checked for ``registration`` (raises ``InvalidAnswers``)."""
    if not registration.is_active:
        raise RuleViolation("", _lo("Deltagaren är redan utregistrerad."))
    checked = checked_answers(definition(), answers, registration.person.personnummer,
                              today=today, context=form_context(registration))
    if registration.consent.status == ConsentStatus.WITHDRAWN.value and \
            str(checked.values[REASON_FIELD]) != WITHDRAWN:
        # No personal data without consent: not the after-measurement of another reason.
        raise RuleViolation(REASON_FIELD, _lo(
            "Samtycket är återkallat: registreringen kan bara avslutas med anledning 6 "
            "Medgivande återtaget, utan uppgifter om situationen efter insatsen."))
    return checked


def deregister(registration: Registration, answers: Mapping[str, object], *, by: User,
               today: date, now: datetime | None = None) -> Registration:
    """FK 9449 for an active registration: end date, reason, the after-block, a sealed PDF.

    End reason 8 is refused here: it removes the registration (:func:`erase_registration`).
    """
    now = now or datetime.now(UTC)
    checked = check_deregistration(registration, answers, today=today)
    _refuse_removal(checked)
    _seal_and_apply(registration, checked, by=by, now=now, reason="Utregistrering FK 9449")
    return registration


def end_on_withdrawal(registration: Registration, *, by: User, reason: str, today: date,
                      now: datetime | None = None) -> Registration:
    """The consent of this open registration is being withdrawn: FK 9449 with end reason 6,
    ended today (not before its start), no after-measurement; ``reason`` is the officer's
    account of the withdrawal, for its receipt. Sealed and flushed with the withdrawal."""
    now = now or datetime.now(UTC)
    end = max(today, registration.start_date)
    try:
        checked = check_deregistration(registration, {
            "namn": registration.name, "avslutningsdatum": end.isoformat(),
            REASON_FIELD: WITHDRAWN}, today=end)
    except InvalidAnswers as refused:
        raise RuleViolation("reason", _lo(
            "Registreringen kunde inte avslutas med anledning 6: %(problem)s",
            problem="; ".join(str(m) for ms in refused.errors.values() for m in ms))) from None
    _seal_and_apply(registration, checked, by=by, now=now,
                    reason="Utregistrering FK 9449: samtycket återkallat",
                    withdrawal_reason=reason)
    return registration


def correct_deregistration(registration: Registration, answers: Mapping[str, object], *,
                           by: User, today: date,
                           now: datetime | None = None) -> Registration:
    """Rättelse of the FK 9449 answers: the earlier answers and PDF go to the history with who
    and when; a new sealed PDF shows the corrected form.

    A withdrawn consent cannot be undone, so once it is withdrawn (end reason 6 or otherwise)
    nothing more is registered; end reason 8 is a removal, never a rättelse.
    """
    now = now or datetime.now(UTC)
    if registration.is_active or registration.end_answers is None:
        raise RuleViolation("", _lo("Deltagaren är inte utregistrerad: det finns ingen "
                                    "utregistrering att rätta."))
    if registration.consent.status == ConsentStatus.WITHDRAWN.value:
        raise RuleViolation("", _lo("Samtycket är återkallat: inga fler personuppgifter "
                                    "registreras om deltagaren, så registreringen kan inte "
                                    "rättas."))
    checked = checked_answers(definition(), answers, registration.person.personnummer,
                              today=today, context=form_context(registration))
    _refuse_removal(checked)
    if to_json(checked.values) == registration.end_answers:
        raise RuleViolation("", _lo("Inget är ändrat."))
    end = checked.values["avslutningsdatum"]
    assert isinstance(end, date)
    other = overlapping(registration.person, registration.insats, registration.start_date,
                        end, exclude=registration)
    if other is not None:
        raise InvalidAnswers({"avslutningsdatum": [overlap_message(other.start_date,
                                                                   other.end_date)]})
    assert registration.end_document_id is not None and registration.end_pdf_sha256 is not None
    registration.revisions.append(RegistrationRevision(
        form=FORM, previous_answers=registration.end_answers,
        previous_document_id=registration.end_document_id,
        previous_pdf_sha256=registration.end_pdf_sha256, changed_at=now, changed_by_id=by.id))
    _seal_and_apply(registration, checked, by=by, now=now, reason="Rättelse FK 9449",
                    corrects_document_id=registration.end_document_id)
    return registration


def _refuse_removal(checked: Checked) -> None:
    if effect_of(checked.values[REASON_FIELD]) == "remove_registration":
        raise RuleViolation(REASON_FIELD, _lo(
            "Felregistrering tar bort registreringen: bekräfta det på sidan som visar vad som "
            "tas bort."))


def _seal_and_apply(registration: Registration, checked: Checked, *, by: User, now: datetime,
                    reason: str, corrects_document_id: str | None = None,
                    withdrawal_reason: str | None = None) -> None:
    """Seal the FK 9449 PDF of ``checked`` and put its answers on the registration; end
    reason 6 withdraws the consent (``withdrawal_reason``: the officer's words for it). The
    audit entry names the fields written (a rättelse: those changed)."""
    values = checked.values
    before = registration.end_answers
    end_reason = values[REASON_FIELD]
    pnr = values["personnummer"]
    assert isinstance(pnr, Personnummer)
    insats, context = registration.insats, form_context(registration)
    document_id = str(uuid.uuid4())
    links = {"corrects_document_id": corrects_document_id} if corrects_document_id else {}
    record = form_record(FORM, document_id, insats, pnr, by, values, now,
                         registration_document_id=registration.document_id,
                         consent_document_id=registration.consent_id,
                         registration_id=registration.id, **links)
    digest = seal_form(definition(), values, document_id=document_id, insats=insats,
                       officer=by, context=context, now=now, record=record, reason=reason)
    end = values["avslutningsdatum"]
    assert isinstance(end, date)
    apply_columns(registration, end_columns(values,
                                            measured=bool(checked.asked.get("arbetar_efter"))))
    registration.end_document_id = document_id
    registration.end_pdf_sha256 = digest
    registration.updated_at = now
    if corrects_document_id is None:
        registration.ended_at = now
        registration.ended_by_id = by.id
    # The ending first, then the withdrawal: the database's consent gate
    # (records.consent_gate) sees the registration written while its consent still held.
    db.session.flush()
    registration_changed(
        registration, actor=by,
        action="registration.end_corrected" if corrects_document_id else "registration.ended",
        why=reason, fields=changed_fields(before, to_json(values)),
        end_reason=str(end_reason), document_id=document_id, pdf_sha256=digest)
    if effect_of(end_reason) == "withdraw_consent" and \
            registration.consent.status != ConsentStatus.WITHDRAWN.value:
        withdraw_consent(registration.consent, by=by, now=now, reason=withdrawal_reason or (
            f"FK 9449 avslutningsanledning {end_reason} Medgivande återtaget, "
            f"avslutningsdatum {end.isoformat()}."))


def erase_registration(registration: Registration, *, by: User,
                       now: datetime | None = None) -> RegistrationErasure:
    """End reason 8, Felregistrering: the registration, its answers, history and sealed PDFs
    are removed (the files once the transaction commits). The consent, its proof and the
    person it names stay; a row without personal data says that a removal happened."""
    now = now or datetime.now(UTC)
    plan = erasure_plan(registration)
    registration_changed(
        registration, actor=by, action="registration.erased",
        why="Felregistrering (avslutningsanledning 8): registreringen tas bort",
        fields={*registration.answers, *(registration.end_answers or {})},
        documents_removed=list(plan.documents), revisions_removed=plan.revisions)
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
