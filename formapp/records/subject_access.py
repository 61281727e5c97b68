"""The participant's right of access (GDPR art. 15), its reads: the person found by
personnummer, and :func:`collect`, everything formapp holds about them: consents (with their
PDFs' hashes), registrations with their history, erasures and every audit entry about them.
The extract itself (sealed, audited) is ``formapp.cases.subject_access.registerutdrag``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from formapp.domain.personnummer import PersonnummerError, parse_personnummer
from formapp.extensions import db
from formapp.protection.lookup import audit_keys
from formapp.records.consent_proof import consent_record
from formapp.records.consents import find_person
from formapp.records.errors import RuleViolation
from formapp.records.models import (
    AuditEntry,
    Consent,
    ConsentKind,
    Forbund,
    Person,
    Registration,
    RegistrationErasure,
)


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
