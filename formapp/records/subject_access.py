"""The participant's rights (GDPR): everything formapp holds about a person (art. 15), and
disposal of what is past its retention period.

``registerutdrag`` collects the person's consents (with their PDFs' hashes), registrations with
their history, erasures and every audit entry about them, and returns it as JSON and as a
sealed PDF in the archive. Producing it is itself audited.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from formapp.cases.archiving import archive_pdf
from formapp.documents.receipt_pdf import ReceiptDocument, render_receipt_pdf
from formapp.domain.personnummer import PersonnummerError, parse_personnummer
from formapp.extensions import db
from formapp.i18n import _lo, registry
from formapp.protection.lookup import audit_keys
from formapp.records.audit import log_event
from formapp.records.consent_proof import consent_record
from formapp.records.consents import find_person
from formapp.records.errors import RuleViolation
from formapp.records.models import (
    AuditEntry,
    Consent,
    ConsentKind,
    Forbund,
    Insats,
    Person,
    Registration,
    RegistrationErasure,
    User,
)
from formapp.records.readable_extract import SOURCE, readable_part


@dataclass(frozen=True)
class Extract:
    data: dict[str, Any]
    json_bytes: bytes
    pdf_sha256: str


def find_person_by_personnummer(forbund: Forbund, raw: str, *, today: date | None
                                 ) -> Person | None:
    try:
        pnr = parse_personnummer(raw, today=today)
    except PersonnummerError as exc:
        raise RuleViolation("personnummer", exc.args[0]) from exc
    return find_person(forbund.id, pnr.digits)


def _iso(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


def collect(person: Person) -> dict[str, Any]:
    consents = db.session.scalars(select(Consent).where(Consent.person_id == person.id)
                                  .order_by(Consent.signed_at)).all()
    registrations = db.session.scalars(select(Registration).where(
        Registration.person_id == person.id).order_by(Registration.start_date)).all()
    consent_ids = [c.id for c in consents]
    erasures = db.session.scalars(select(RegistrationErasure).where(
        RegistrationErasure.consent_id.in_(consent_ids or [""]))).all()
    audit = db.session.scalars(select(AuditEntry).where(
        AuditEntry.person_key.in_(audit_keys(person.personnummer))).order_by(AuditEntry.id)).all()
    return {
        "personnummer": person.pnr.formatted,
        "namn": person.name,
        "kon": person.kon,
        "samverkansorganisation": db.session.get_one(Forbund, person.forbund_id).name,
        "samtycken": [{
            "dokument_id": c.id, "insats": c.insats.name, "status": c.status,
            "lämnat": _iso(c.signed_on), "ort": c.place, "läst_på": c.locale,
            "bindande_text": c.binding_version, "läst_text": c.read_version,
            "pdf_sha256": c.pdf_sha256, "återkallat": _iso(c.withdrawn_at),
            "återkallelse_skäl": c.withdrawal_reason,
            "återkallelse_pdf_sha256": c.withdrawal_pdf_sha256,
            "förståelsefrågor": _understanding(c),
        } for c in consents],
        "registreringar": [{
            "insats": r.insats.name, "startdatum": _iso(r.start_date), "kommun": r.kommun,
            "stadsdel": r.stadsdel, "svar_inregistrering": r.answers,
            "avslutningsdatum": _iso(r.end_date), "avslutningsanledning": r.end_reason,
            "svar_utregistrering": r.end_answers, "pdf_sha256": r.pdf_sha256,
            "utregistrering_pdf_sha256": r.end_pdf_sha256,
            "rättelser": [{"ändrad": _iso(v.changed_at), "blankett": v.form,
                           "tidigare_svar": v.previous_answers} for v in r.revisions],
        } for r in registrations],
        "borttagna_felregistreringar": [{"insats_id": e.insats_id, "borttagen": _iso(e.erased_at),
                                         "samtycke": e.consent_id} for e in erasures],
        "loggade_händelser": [{"när": _iso(a.at), "vem": a.actor, "vad": a.action,
                               "varför": a.why, "avser": a.subject} for a in audit],
    }


def _understanding(consent: Consent) -> dict[str, Any]:
    """The answers to the understanding questions, as the consent's sealed record keeps
    them ({} when none were asked, or the consent has no sealed record of its own)."""
    record = consent_record(consent) if consent.kind == ConsentKind.SIGNED.value else None
    found = record.get("understanding") if record is not None else None
    return found if isinstance(found, dict) else {}


def _insats_name(insats_id: int) -> str:
    insats = db.session.get(Insats, insats_id)
    return insats.name if insats is not None else "–"


def registerutdrag(person: Person, *, by: User, why: str,
                   now: datetime | None = None) -> Extract:
    """Art. 15: the extract as JSON and a sealed PDF; flushes, never commits."""
    why = " ".join(why.split())
    if not why:
        raise RuleViolation("why", _lo("Ange vem som begärt registerutdraget och när."))
    now = now or datetime.now(UTC)
    data = collect(person)
    document_id = str(uuid.uuid4())
    data["registerutdrag"] = {"dokument_id": document_id, "skapat": now.isoformat(),
                              "av": by.full_name}
    json_bytes = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    # In plain Swedish, then in the language the person last consented in (the JSON keeps
    # the codes, for machines).
    erased = [(_insats_name(e["insats_id"]), e["borttagen"])
              for e in data["borttagna_felregistreringar"]]
    locales = [SOURCE]
    if data["samtycken"] and (last := data["samtycken"][-1]["läst_på"]) in registry() \
            and last != SOURCE:
        locales.append(last)
    receipt = ReceiptDocument(
        document_id=document_id, title="Registerutdrag (GDPR artikel 15)",
        paragraphs=(), facts=(), forbund=data["samverkansorganisation"], record=data,
        created=now,
        parts=tuple(readable_part(data, locale, erased=erased, created=now)
                    for locale in locales))
    digest = archive_pdf(render_receipt_pdf(receipt), kind="registerutdrag",
                         forbund_id=person.forbund_id,
                         reason="Registerutdrag enligt GDPR artikel 15")
    log_event(actor=by, action="gdpr.registerutdrag", subject=f"person:{person.id}", why=why,
              forbund_id=person.forbund_id, personnummer=person.personnummer,
              details={"pdf_sha256": digest})
    return Extract(data, json_bytes, digest)
