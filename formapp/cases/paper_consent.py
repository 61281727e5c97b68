"""A consent signed on paper (FK 9443) before formapp, brought in with its scan.

The scan is the proof: kept byte for byte, its ``record.json`` (which consent, förbund and
person it proves, by ``consent_proof``'s ids) added by an incremental update, then sealed by
the förbund as "samtycke på papper, intygat av <officer>" and archived. The consent says where
it came from (``kind`` paper, ``scan_sha256``, the attesting ``officer``); nothing on it is
made up: ``signed_on`` is the day the officer attested the paper, the page says so.
Flushes only; the caller commits.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from formapp.cases.archiving import archive_pdf
from formapp.definitions.printable import document_problem_o
from formapp.documents.errors import DocumentError
from formapp.documents.scan_check import check_scan, scan_sha256
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.consent_proof import person_key
from formapp.records.errors import RuleViolation
from formapp.records.models import Consent, ConsentKind, ConsentStatus, Insats, Person, User

PLACE = "Papper"  # what a paper consent has for "ort": the paper itself says where
BINDING_VERSION = "fk-9443-papper"  # the text is the one printed on the scanned paper


def attested_by(officer: User) -> str:
    return f"Samtycke på papper (FK 9443), intygat av {officer.full_name}"


def attest_paper_consent(insats: Insats, person: Person, *, name: str, scan: bytes,
                         officer: User, now: datetime,
                         source: dict[str, object] | None = None) -> Consent:
    """The scanned paper consent of ``person`` for ``insats``, sealed and archived; an active
    consent (the caller uses it). ``source``: where the scan came from (e.g. an import's
    file and row), sealed with it."""
    try:
        check_scan(scan)
    except DocumentError as exc:
        raise RuleViolation("", document_problem_o(exc)) from exc
    consent_id = str(uuid.uuid4())
    digest = scan_sha256(scan)
    record = {
        "form": "FK 9443 (papper)", "kind": ConsentKind.PAPER.value,
        "document_id": consent_id, "consent_id": consent_id,
        "forbund_id": insats.forbund_id, "person_key": person_key(person.personnummer),
        "insats": {"id": insats.id, "name": insats.name}, "scan_sha256": digest,
        "attested_by": {"id": officer.id, "name": officer.full_name},
        "attested_at": now.isoformat(), "source": source or {},
    }
    try:
        sealed = archive_pdf(evidence().render.scan_with_record(scan, record), kind="paper_consent",
                             forbund_id=insats.forbund_id, reason=attested_by(officer))
    except DocumentError as exc:
        raise RuleViolation("", document_problem_o(exc)) from exc
    consent = Consent(
        id=consent_id, forbund_id=insats.forbund_id, insats_id=insats.id, person=person,
        officer_id=officer.id, locale="sv", binding_version=BINDING_VERSION,
        binding_sha256=digest, name=name, place=PLACE, signed_on=now.date(), signed_at=now,
        pdf_sha256=sealed, status=ConsentStatus.ACTIVE.value, kind=ConsentKind.PAPER.value,
        scan_sha256=digest)
    db.session.add(consent)
    return consent
