"""The one step every case that makes a document shares: seal the PDF, stage it in the archive
and add its ``ArchivedDocument`` row, all in the caller's transaction.

A file staged here is removed again if the transaction rolls back
(``evidence.track_new_file``), so a record and its PDF exist together or not at all.
"""

from __future__ import annotations

from formapp.documents.archive import sha256_hex
from formapp.evidence import evidence, track_new_file
from formapp.extensions import db
from formapp.records.models import ArchivedDocument


def archive_pdf(pdf: bytes, *, kind: str, forbund_id: int, reason: str | None = None) -> str:
    """Seal and store ``pdf`` and add its archive record; the file goes if the transaction
    does not commit. Returns the sealed PDF's SHA-256."""
    tools = evidence()
    sealed = tools.sealer.seal(pdf, reason=reason)
    digest = sha256_hex(sealed)
    if not tools.archive.exists(digest):
        tools.archive.stage(sealed)
        track_new_file(db.session(), tools.archive, digest)
    if db.session.get(ArchivedDocument, digest) is None:
        db.session.add(ArchivedDocument(sha256=digest, kind=kind, forbund_id=forbund_id,
                                        size=len(sealed)))
    return digest
