"""``formapp verify``: every sealed PDF is intact, trusted, and agrees with the database."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload, selectinload

from formapp.cases.retention import purge_drafts
from formapp.documents.archive import sha256_hex
from formapp.documents.archive_store import tail_of
from formapp.documents.envelope import is_envelope, parse
from formapp.documents.errors import DocumentError
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.maintenance import clear_incoming
from formapp.protection.cipher import DecryptionError
from formapp.protection.current import keyring
from formapp.protection.verification import check_encrypted_values
from formapp.records.consent_proof import binding_problems, sealed_record
from formapp.records.consent_texts import verify_published
from formapp.records.models import (
    ArchivedDocument,
    Consent,
    ConsentKind,
    Person,
    Registration,
    RegistrationRevision,
)
from formapp.records.registration_proof import binding_problems as registration_problems
from formapp.records.registration_proof import documents_of

# Consents that no document of their own proves (issue 17): reported, never passed.
WITHOUT_PROOF = {
    ConsentKind.UNPROVEN.value: "imported without evidence of consent (an Excel import before "
                                "issue 17 made it up): no signed FK 9443 and no paper scan "
                                "proves it, only the import's receipt for the whole file",
    ConsentKind.SYNTHETIC.value: "synthetic (bench or test data): no person, no consent",
}


@dataclass(frozen=True)
class Finding:
    subject: str  # a file path or a document's SHA-256
    ok: bool
    message: str


def _record_problems(data: bytes, record: ArchivedDocument) -> list[str]:
    """The document against its record: as sealed, or renewed with its sealed first revision
    (the binding hash) unchanged at its start."""
    if record.renewed_sha256 is None:
        if record.size != len(data):
            return [f"the database records {record.size} bytes, the file has {len(data)}"]
        if sha256_hex(data) != record.sha256:
            return ["the document has renewals the database does not record"]
        return []
    problems = []
    if record.renewed_size != len(data) or sha256_hex(data) != record.renewed_sha256:
        problems.append(f"the database records the renewed document as {record.renewed_size} "
                        f"bytes with SHA-256 {record.renewed_sha256}; it is {len(data)} bytes "
                        f"with {sha256_hex(data)}")
    if sha256_hex(data[:record.size]) != record.sha256:
        problems.append("the renewed document does not begin with the sealed document")
    return problems


def _check_bytes(subject: str, data: bytes, record: ArchivedDocument | None,
                 at: datetime | None = None) -> Finding:
    check = evidence().check(data, at)
    problems = list(check.problems)
    if record is None:
        problems.append("no record in the database has this SHA-256")
    else:
        problems += _record_problems(data, record)
    if problems or record is None:
        return Finding(subject, False, "; ".join(problems))
    renewed = f", renewed {record.renewed_at:%Y-%m-%d}" if record.renewed_at else ""
    return Finding(subject, True, f"sealed by {check.signer}, {check.signed_at}; validated "
                                  f"as of {check.validated_at} ({check.relied_on}); "
                                  f"{record.kind} {record.sha256}{renewed}")


def _record_for(data: bytes) -> ArchivedDocument | None:
    digest = sha256_hex(data)
    return db.session.get(ArchivedDocument, digest) or db.session.scalar(
        select(ArchivedDocument).where(ArchivedDocument.renewed_sha256 == digest))


def verify_files(paths: Iterable[Path], at: datetime | None = None) -> list[Finding]:
    """Sealed PDFs given as files: plain, or envelopes as the archive keeps them (opened with
    the configured data keys); as sealed, or renewed."""
    findings = []
    for path in paths:
        try:
            data = path.read_bytes()
            if is_envelope(data):
                data = evidence().archive.at_rest.unpack(data, parse(data).sha256)
        except OSError as exc:
            findings.append(Finding(str(path), False, f"cannot read: {exc.strerror}"))
            continue
        except DocumentError as exc:
            findings.append(Finding(str(path), False, f"cannot open: {exc}"))
            continue
        findings.append(_check_bytes(str(path), data, _record_for(data), at))
    return findings


def recover_staged(min_age_seconds: float = 600) -> list[Finding]:
    """Finish what a crash interrupted: a staged PDF whose record committed moves into the
    archive, one without a record is dropped. Younger files may belong to a transaction still
    running in another process and are left alone."""
    archive = evidence().archive
    findings = []
    now = time.time()
    for digest, modified in list(archive.staged()):
        if now - modified < min_age_seconds:
            continue
        if db.session.get(ArchivedDocument, digest) is not None:
            archive.promote(digest)
            findings.append(Finding(digest, True, "recovered: its record had committed, the "
                                                  "file is now in the archive"))
        else:
            archive.discard(digest)
            findings.append(Finding(digest, True, "dropped an unfinished document: its record "
                                                  "never committed"))
    for name, modified in list(archive.staged_tails()):
        if now - modified < min_age_seconds:
            continue
        digest = tail_of(name)[0]
        record = db.session.get(ArchivedDocument, digest)
        try:
            committed = record is not None and record.renewed_sha256 == sha256_hex(
                archive.read(digest) + archive.read_staged_tail(name))
        except DocumentError as exc:  # left for `verify --all` to report
            findings.append(Finding(digest, False, f"a staged renewal: {exc}"))
            continue
        if committed:
            archive.promote_tail(name)
            findings.append(Finding(digest, True, "recovered: its renewal had committed"))
        else:
            archive.discard_tail(name)
            findings.append(Finding(digest, True, "dropped an unfinished renewal"))
    return findings


# Checks of which sealed PDF belongs to which row: one per (document, row naming it).
Check = tuple[str, str, Callable[[bytes], list[str]]]  # subject, role, problems of the bytes


def _consent_checks(consent: Consent) -> Iterator[tuple[str, Check]]:
    subject = f"consent {consent.id}"
    if consent.kind in WITHOUT_PROOF:
        problems = [WITHOUT_PROOF[consent.kind]]
        yield consent.pdf_sha256, (subject, "consent", lambda _data: problems)
    else:
        yield consent.pdf_sha256, (subject, "consent",
                                   lambda data: binding_problems(consent, data))
    if consent.withdrawal_pdf_sha256:
        digest = consent.withdrawal_pdf_sha256

        def withdrawal(data: bytes) -> list[str]:
            record = sealed_record(data) or {}
            return [] if record.get("consent_document_id") == consent.id else [
                f"the withdrawal receipt {digest} is about consent "
                f"{record.get('consent_document_id')}, not this one"]
        yield digest, (subject, "withdrawal", withdrawal)


def _registration_checks(registration: Registration) -> Iterator[tuple[str, Check]]:
    if registration.consent.kind in WITHOUT_PROOF:
        return  # its consent is reported already; no document of its own proves it either
    for document in documents_of(registration):
        yield document.digest, (f"registration {registration.id}", document.label,
                                partial(registration_problems, document))


def _bound_documents() -> dict[str, list[Check]]:
    """Per archived PDF, the rows that name it: consents (as their proof, or the receipt of
    their withdrawal) and registrations (their FK 9448, FK 9449 and earlier versions). Loaded
    without their encrypted columns: a value that does not open is its own finding
    (``encrypted_value_findings``), not a reason to stop checking documents."""
    bound: dict[str, list[Check]] = {}
    consents = select(Consent).options(defer(Consent.name), joinedload(Consent.person)
                                       .defer(Person.name).defer(Person.personnummer))
    registrations = select(Registration).options(
        defer(Registration.name), defer(Registration.answers), defer(Registration.end_answers),
        joinedload(Registration.consent).defer(Consent.name),
        joinedload(Registration.person).defer(Person.name).defer(Person.personnummer),
        selectinload(Registration.revisions).defer(RegistrationRevision.previous_answers))
    for checks in (*map(_consent_checks, db.session.scalars(consents)),
                   *map(_registration_checks, db.session.scalars(registrations).unique())):
        for digest, check in checks:
            bound.setdefault(digest, []).append(check)
    return bound


def _binding_findings(checks: Iterable[Check], digest: str, data: bytes) -> list[Finding]:
    """Each row naming this PDF must be the one its sealed record names."""
    findings = []
    for subject, role, problems_of in checks:
        try:
            problems = problems_of(data)
        except DecryptionError as exc:  # the person's personnummer does not open
            problems = [f"its person can not be compared: {exc}"]
        if problems:
            findings.append(Finding(subject, False,
                                    f"its {role} PDF {digest}: " + "; ".join(problems)))
    return findings


def maintain(min_age_seconds: float = 600) -> list[Finding]:
    """Clear what crashes and abandoned tablets left (``formapp.maintenance``), committed,
    and say what with counts."""
    findings = recover_staged(min_age_seconds)
    staged = len(findings)
    leftovers = clear_incoming(min_age_seconds)
    hours = current_app.config["FORMAPP_DRAFT_PURGE_HOURS"]
    drafts = purge_drafts(older_than_hours=hours)
    db.session.commit()
    findings.append(Finding("archive", True, f"staging: {staged} finished; half-written "
                                             f"files: {leftovers.completed} completed, "
                                             f"{leftovers.removed} removed"))
    findings.append(Finding("consent drafts", True,
                            f"{drafts} abandoned consent draft{'' if drafts == 1 else 's'} "
                            f"purged (older than {hours} hours)"))
    return findings


def verify_all(*, recover_older_than: float = 600,
               at: datetime | None = None) -> list[Finding]:
    """Every archived record against its document, and every document against the records.
    An encrypted document is opened first: its seal and SHA-256 are those of the plain PDF;
    a renewed one is read with its renewals, and its first revision must be the sealed one."""
    archive = evidence().archive
    findings = maintain(recover_older_than)
    records = {r.sha256: r for r in db.session.scalars(select(ArchivedDocument))}
    bound = _bound_documents()
    plain = 0
    for digest, record in sorted(records.items()):
        if not archive.exists(digest):
            findings.append(Finding(digest, False, f"orphan record: the {record.kind} PDF is "
                                                   "missing from the archive"))
            continue
        try:
            data = archive.read(digest)
        except DocumentError as exc:
            findings.append(Finding(archive.location(digest), False, f"cannot open: {exc}"))
            continue
        if sha256_hex(data[:record.size]) != digest:
            findings.append(Finding(digest, False, "the archived file no longer has the "
                                                   "SHA-256 it is stored under"))
            continue
        plain += not archive.is_encrypted(digest)
        findings.append(_check_bytes(archive.location(digest), data, record, at))
        findings += _binding_findings(bound.get(digest, ()), digest, data)
    for digest in archive.digests():
        if digest not in records:
            findings.append(Finding(archive.location(digest), False,
                                    "orphan file: no record in the database"))
    if archive.at_rest.encrypt and plain:
        findings.append(Finding("archive", True, f"{plain} document{'' if plain == 1 else 's'} "
                                                 "stored unencrypted from before encryption "
                                                 "was on: run `formapp archive encrypt`"))
    findings += [Finding("archive", False, problem) for problem in archive.guard_problems()]
    findings += [Finding("consent text", False, problem) for problem in verify_published()]
    findings += encrypted_value_findings()
    return findings


def encrypted_value_findings() -> list[Finding]:
    """Every encrypted value opened as the value of its own row and column (issue 17)."""
    report = check_encrypted_values(db.session(), keyring(), db.metadata)
    findings = [Finding(where, False, why) for where, why in report.problems]
    findings.append(Finding("encrypted values", not report.problems,
                            f"{report.checked} checked, {len(report.problems)} not bound to "
                            "their row and column"))
    return findings
