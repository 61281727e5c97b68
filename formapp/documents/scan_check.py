"""Whether an uploaded file is a scan formapp can keep as proof (pikepdf only): the import
checks every scan before the PDF stack (``paper_scan``, pyHanko) is needed to keep one."""

from __future__ import annotations

import hashlib
import io

import pikepdf

from formapp.documents.errors import DocumentError

MAX_SCAN_BYTES = 10 * 1024 * 1024  # one signed page scanned at 300 dpi is well under 2 MB


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
