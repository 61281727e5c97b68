"""A scanned, signed paper FK 9443 kept as proof: checked, then its record attached as-is.

The scan is never rewritten: ``with_record`` appends one incremental update that embeds
``record.json`` (the consent it proves, as ``consent_proof`` expects), and the seal
(``seal.Sealer``) appends another. The scan's own bytes stay the file's first bytes, so its
SHA-256, recorded with the consent, can be checked against the archived file for ever.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping

from pyhanko.pdf_utils.embed import EmbeddedFileObject, FileSpec, embed_file
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError

# Re-exported: records.paper_consents checks and keeps a scan through this module.
from formapp.documents.scan_check import ScanRefused, check_scan, scan_sha256  # noqa: F401

RECORD_FILE = "record.json"


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

