"""A scanned, signed paper FK 9443 kept as proof: checked, then its record attached as-is.

The scan is never rewritten: ``with_record`` appends one incremental update that embeds
``record.json`` (the consent it proves, as ``consent_proof`` expects), and the seal
(``seal.Sealer``) appends another. The scan's own bytes stay the file's first bytes, so its
SHA-256, recorded with the consent, can be checked against the archived file for ever.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping

import pikepdf
from pyhanko.pdf_utils.embed import EmbeddedFileObject, FileSpec, embed_file
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError

from formapp.documents.errors import DocumentError

MAX_SCAN_BYTES = 10 * 1024 * 1024  # one signed page scanned at 300 dpi is well under 2 MB
RECORD_FILE = "record.json"


class ScanRefused(DocumentError):
    """The file is not a scan formapp can keep as proof; ``reason`` names why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "not_pdf", "too_large", "encrypted", "unreadable", "empty"


def check_scan(data: bytes, *, max_bytes: int = MAX_SCAN_BYTES) -> None:
    """Refuse what is not a readable, unencrypted PDF of at most ``max_bytes``."""
    if not data:
        raise ScanRefused("empty")
    if len(data) > max_bytes:
        raise ScanRefused("too_large")
    if not data.lstrip()[:5] == b"%PDF-":
        raise ScanRefused("not_pdf")
    try:
        with pikepdf.Pdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise ScanRefused("encrypted")
            if len(pdf.pages) == 0:
                raise ScanRefused("empty")
    except pikepdf.PasswordError as exc:
        raise ScanRefused("encrypted") from exc
    except pikepdf.PdfError as exc:
        raise ScanRefused("unreadable") from exc


def scan_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def with_record(data: bytes, record: Mapping[str, object]) -> bytes:
    """``data`` with ``record.json`` embedded by an incremental update (ready to seal)."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        payload = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
        embedded = EmbeddedFileObject.from_file_data(writer, payload,
                                                     mime_type="application/json")
        embed_file(writer, FileSpec(file_spec_string=RECORD_FILE, embedded_data=embedded,
                                    description="formapp: samtycke på papper (FK 9443)"))
        out = io.BytesIO()
        writer.write(out)
    except (PdfError, ValueError, KeyError, OSError) as exc:
        raise ScanRefused("unreadable") from exc
    return out.getvalue()

