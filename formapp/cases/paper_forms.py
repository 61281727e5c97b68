"""What the FK 9448 and FK 9449 cases share: checking answers for a known person, the sealed
paper-layout PDF (rendered, sealed and staged through ``cases.archiving``), and the record.json
it embeds."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from formapp.cases.archiving import archive_pdf
from formapp.definitions import Checked, FormDefinition, check
from formapp.definitions.printable import document_problem_o
from formapp.documents.errors import DocumentError
from formapp.domain.personnummer import Personnummer
from formapp.evidence import evidence
from formapp.records.consent_proof import person_key
from formapp.records.errors import InvalidAnswers, RuleViolation
from formapp.records.form_values import to_json
from formapp.records.models import Insats, User


def checked_answers(definition: FormDefinition, answers: Mapping[str, object],
                    personnummer: str, *, today: date,
                    context: Mapping[str, object]) -> Checked:
    """``check`` with the personnummer the record already has: whose data it is is decided by
    the consent, never by what a form post says."""
    raw = {**answers, "personnummer": personnummer}
    checked = check(definition, raw, today=today, context=context)
    if not checked.ok:
        raise InvalidAnswers(checked.errors)
    return checked


def seal_form(definition: FormDefinition, values: Mapping[str, object], *,
              document_id: str, insats: Insats, officer: User, record: Mapping[str, object],
              context: Mapping[str, object], now: datetime, reason: str) -> str:
    """Render the paper-layout PDF, seal and archive it; its SHA-256."""
    try:
        pdf = evidence().render.form_pdf(definition, values, document_id=document_id,
                              forbund=insats.forbund.name, insats=insats.name,
                              officer=officer.full_name, record=record, context=context,
                              created=now)
        return archive_pdf(pdf, kind=f"fk{definition.id}", forbund_id=insats.forbund_id,
                           reason=reason)
    except DocumentError as exc:
        raise RuleViolation("", document_problem_o(exc)) from exc


def form_record(form: str, document_id: str, insats: Insats, pnr: Personnummer,
                officer: User, values: Mapping[str, object], now: datetime, *,
                consent_document_id: str, registration_id: int | None,
                **extra: object) -> dict[str, object]:
    """What the PDF embeds as record.json: the registration as data, self-contained, with the
    ids that bind it to its row (``records.registration_proof``): the consent it rests on
    (one registration per consent, so it names the registration from the start), the
    registration's id once the database has given it one (a rättelse, FK 9449; the first
    FK 9448 is sealed before its row exists), the förbund and the person's keyed hash."""
    ids: dict[str, object] = {"consent_document_id": consent_document_id,
                              "forbund_id": insats.forbund_id,
                              "person_key": person_key(pnr.digits)}
    if registration_id is not None:
        ids["registration_id"] = registration_id
    return {"form": f"FK {form}", "document_id": document_id,
            "forbund": insats.forbund.name, "insats": {"id": insats.id, "name": insats.name},
            "personnummer": pnr.formatted, "answers": to_json(values),
            "officer": {"id": officer.id, "name": officer.full_name},
            "created_at": now.isoformat(), **ids, **extra}
