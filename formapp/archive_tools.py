"""``formapp archive``: a sealed PDF out of the archive in plain, and the archive's
encryption at rest carried through (encrypting documents stored before it was on, and
re-wrapping document keys after a data key rotation)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from formapp.documents.archive import sha256_hex
from formapp.documents.archive_store import ArchiveStore
from formapp.documents.errors import DocumentError
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.audit import log_event
from formapp.records.models import ArchivedDocument, Consent

_DIGEST = re.compile(r"[0-9a-f]{64}")
BATCH = 200


class ExportError(RuntimeError):
    """Nothing to export under that id; the message says why."""


def document_for(ident: str) -> ArchivedDocument:
    """The archived document a SHA-256 (as sealed, or as renewed) or a consent id names (a
    consent: its own PDF)."""
    ident = ident.strip().lower()
    if _DIGEST.fullmatch(ident):
        document = db.session.get(ArchivedDocument, ident) or db.session.scalar(
            select(ArchivedDocument).where(ArchivedDocument.renewed_sha256 == ident))
    else:
        consent = db.session.get(Consent, ident)
        document = db.session.get(ArchivedDocument, consent.pdf_sha256) if consent else None
    if document is None:
        raise ExportError(f"no archived document and no consent has the id {ident!r}")
    return document


def export_document(ident: str) -> tuple[ArchivedDocument, bytes]:
    """The plain sealed PDF with its renewals (long-term proof), checked against the
    SHA-256s its record keeps: the whole document's, and the sealed first revision's at its
    start; audited (it holds personal data)."""
    document = document_for(ident)
    try:
        data = evidence().archive.read(document.sha256)
    except DocumentError as exc:
        raise ExportError(str(exc)) from exc
    if sha256_hex(data) != (document.renewed_sha256 or document.sha256) \
            or sha256_hex(data[:document.size]) != document.sha256:
        raise ExportError(f"document {document.sha256} no longer has its SHA-256: run "
                          "`formapp verify --all`")
    log_event(actor=None, action="archive.exported", subject=f"document:{document.sha256}",
              why="formapp archive export", forbund_id=document.forbund_id,
              details={"kind": document.kind, "sha256": sha256_hex(data),
                       "size": len(data)})
    db.session.commit()
    return document, data


@dataclass
class Progress:
    changed: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)


def _each_document(step: Callable[[ArchiveStore, str], bool]) -> Progress:
    """``step`` on every recorded document, committed in batches (an interruption loses
    nothing: run it again)."""
    archive = evidence().archive
    progress = Progress()
    last = ""
    while True:  # keyset pages: memory stays flat however large the archive
        page = list(db.session.scalars(select(ArchivedDocument.sha256)
                                       .where(ArchivedDocument.sha256 > last)
                                       .order_by(ArchivedDocument.sha256).limit(BATCH)))
        if not page:
            return progress
        for digest in page:
            try:
                if step(archive, digest):
                    progress.changed += 1
                else:
                    progress.unchanged += 1
            except DocumentError as exc:
                progress.failed.append(f"{digest}: {exc}")
        db.session.commit()
        last = page[-1]


def encrypt_archive() -> Progress:
    """Every plain archived document replaced by its envelope under the current data key."""
    return _each_document(lambda archive, digest: archive.encrypt_plain(digest))


def rewrap_archive() -> Progress:
    """Every envelope's document key wrapped under the current data key (the PDFs are not
    re-encrypted): afterwards no document needs an older data key."""
    return _each_document(lambda archive, digest: archive.rewrap(digest))
