"""Turn a ReportLab PDF into PDF/A-3b with the form record embedded as an associated JSON file.

ReportLab writes no XMP and no output intent; pikepdf adds them (DESIGN.md §7) and validates
what it writes (``pikepdf.pdfa.save`` re-reads the bytes and refuses anything but a pass). The
output stays at PDF 1.7 or below and is written in one piece (no incremental update), so a
PAdES seal can be appended later.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import pdfa

from formapp.documents.errors import DocumentError

ICC_PROFILE_ENV = "FORMAPP_ICC_PROFILE"
# Debian's icc-profiles-free.
DEFAULT_ICC_PROFILE = "/usr/share/color/icc/sRGB.icc"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
MAX_PDF_VERSION = "1.7"  # PDF/A-3 is ISO 32000-1; PDF 2.0 would also break the PAdES seal


@dataclass(frozen=True)
class Attachment:
    """A file embedded in the PDF/A as an associated file of the document."""

    filename: str
    data: bytes
    mime_type: str
    description: str
    relationship: str = "Data"  # /AFRelationship: Source, Data, Alternative, Supplement …


@dataclass(frozen=True)
class PdfMetadata:
    title: str
    author: str
    subject: str
    language: str  # BCP 47, e.g. "sv-SE"
    creator_tool: str = "formapp"
    created: datetime | None = None


def record_attachment(record: Mapping[str, Any], filename: str = "record.json") -> Attachment:
    """The form record as canonical JSON (sorted keys, UTF-8), so its hash is stable."""
    data = json.dumps(record, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8")
    return Attachment(filename, data, "application/json",
                      "The form record this document was produced from")


@lru_cache(maxsize=2)
def load_icc_profile(path: str | None = None) -> bytes:
    location = Path(path or os.environ.get(ICC_PROFILE_ENV) or DEFAULT_ICC_PROFILE)
    try:
        return location.read_bytes()
    except OSError as exc:
        raise DocumentError(
            f"sRGB ICC profile not found at {location}: install Debian's icc-profiles-free "
            f"(make system-deps) or set {ICC_PROFILE_ENV}") from exc


def _pdf_date(moment: datetime) -> str:
    return "D:" + moment.astimezone(UTC).strftime("%Y%m%d%H%M%SZ")


def to_pdfa3b(pdf_bytes: bytes, metadata: PdfMetadata,
              attachments: tuple[Attachment, ...] = (), *, validate: bool = False) -> bytes:
    """PDF/A-3b bytes. With ``validate`` pikepdf re-reads and checks what it wrote and raises
    pikepdf.pdfa.PdfaError unless it passes; that costs ~40 ms a page, so the per-consent path
    leaves it to the tests, which validate every locale's output of this same code."""
    created = metadata.created or datetime.now(UTC)
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            # ReportLab writes an empty page transition; the validator cannot vouch for it.
            if "/Trans" in page.obj:
                del page.obj["/Trans"]
        pdf.Root.Lang = pikepdf.String(metadata.language)
        # Viewers show the title, not the file name (a PDF/A-2/3 recommendation).
        pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
        for item in attachments:
            spec = pikepdf.AttachedFileSpec(
                pdf, item.data, description=item.description, filename=item.filename,
                mime_type=item.mime_type, creation_date=_pdf_date(created),
                mod_date=_pdf_date(created),
                relationship=pikepdf.Name("/" + item.relationship))
            pdf.attachments[item.filename] = spec
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = metadata.title
            meta["dc:creator"] = [metadata.author]
            meta["dc:description"] = metadata.subject
            meta["dc:language"] = [metadata.language]
            meta["xmp:CreatorTool"] = metadata.creator_tool
            meta["xmp:CreateDate"] = created.isoformat()
            meta["pdf:Producer"] = "formapp (ReportLab, pikepdf)"
        out = io.BytesIO()
        if validate:
            pdfa.save(pdf, out, "3b", output_intent=load_icc_profile(),
                      output_condition_identifier=OUTPUT_CONDITION, deterministic_id=True)
        else:
            pdfa.prepare(pdf, "3b", output_intent=load_icc_profile(),
                         output_condition_identifier=OUTPUT_CONDITION)
            pdf.save(out, **pdfa.resolve_save_kwargs("3b", deterministic_id=True))
    data = out.getvalue()
    if data[5:8].decode("ascii") > MAX_PDF_VERSION:
        raise DocumentError(f"PDF version {data[5:8]!r} is above {MAX_PDF_VERSION}")
    return data


def validate_pdfa3b(data: bytes) -> pdfa.Report:
    """pikepdf's PDF/A-3b verdict on finished bytes (``report.passed``, ``report.findings``)."""
    return pdfa.validate_written(io.BytesIO(data), "3b")
