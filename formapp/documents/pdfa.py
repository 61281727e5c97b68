"""PDF/A-3b written by ReportLab itself, in the same pass as the page content.

ReportLab writes no XMP, no output intent and no associated files; this module adds them as
objects of the ReportLab document before it is saved (DESIGN.md §7), so a consent costs one
serialisation instead of ReportLab's plus a pikepdf re-read and re-write. What it writes:
XMP metadata (uncompressed, as PDF/A requires) agreeing with the Info dictionary, the sRGB
output intent, /Lang, DisplayDocTitle, and the form record as an associated file (/AF,
/AFRelationship, in the EmbeddedFiles name tree). ``validate_pdfa3b`` (pikepdf's validator)
checks the result; the tests run it on every locale's output.
"""

from __future__ import annotations

import hashlib
import io
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pikepdf import pdfa
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObject,
    PDFString,
)
from reportlab.pdfgen.canvas import Canvas

from formapp.config import ICC_PROFILE_ENV, icc_profile_setting
from formapp.documents import _reportlab_internals as rl
from formapp.documents.errors import DocumentError

# Debian's icc-profiles-free.
DEFAULT_ICC_PROFILE = "/usr/share/color/icc/sRGB.icc"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
PDF_VERSION = (1, 7)  # PDF/A-3 is ISO 32000-1; PDF 2.0 would also break the PAdES seal
PRODUCER = "formapp (ReportLab)"


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


def load_icc_profile(path: str | None = None) -> bytes:
    return _profile_at(_icc_location(path))


def _icc_location(path: str | None) -> str:
    return str(path or icc_profile_setting() or DEFAULT_ICC_PROFILE)


@lru_cache(maxsize=2)
def _profile_at(path: str) -> bytes:
    # Process-wide: one file's bytes, keyed by its path (the setting is read outside).
    location = Path(path)
    try:
        return location.read_bytes()
    except OSError as exc:
        raise DocumentError(
            f"sRGB ICC profile not found at {location}: install Debian's icc-profiles-free "
            f"(make system-deps) or set {ICC_PROFILE_ENV}") from exc


def _compressed_icc_profile(path: str | None = None) -> bytes:
    return _compressed_profile_at(_icc_location(path))


@lru_cache(maxsize=2)
def _compressed_profile_at(path: str) -> bytes:
    return zlib.compress(_profile_at(path))


# --- ReportLab objects ------------------------------------------------------------------------

class Stream(PDFObject):
    """A stream written exactly as given: ``content`` already encoded, ``filter`` naming how
    (ReportLab's own PDFStream would compress the XMP, which PDF/A forbids)."""

    __RefOnly__ = 1

    def __init__(self, entries: dict[str, Any], content: bytes, filter: str | None = None):
        self.entries = dict(entries)
        if filter:
            self.entries["Filter"] = PDFName(filter)
        self.entries["Length"] = len(content)
        self.content = content

    def format(self, document: Any) -> bytes:
        return (PDFDictionary(self.entries).format(document) + b"\nstream\n" + self.content
                + b"\nendstream")


class Formatted(PDFObject):
    """A PDF value already formatted (it holds no references, so it fits any document)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


class _DocInfo(PDFObject):
    """The Info dictionary, agreeing entry by entry with the XMP (PDF/A-3 §6.6.3); ReportLab's
    own would add Keywords and Trapped and date the file 2000-01-01 in invariant mode."""

    __RefOnly__ = 1

    def __init__(self, metadata: PdfMetadata, created: datetime) -> None:
        self.metadata = metadata
        self.created = created

    def digest(self, md5: Any) -> None:  # ReportLab feeds the document ID with this
        m = self.metadata
        for part in (m.title, m.author, m.subject, self.created.isoformat()):
            md5.update(part.encode("utf-8"))

    def format(self, document: Any) -> bytes:
        m = self.metadata
        date = PDFString(pdf_date(self.created))
        return PDFDictionary({
            "Title": PDFString(m.title), "Author": PDFString(m.author),
            "Subject": PDFString(m.subject), "Creator": PDFString(m.creator_tool),
            "Producer": PDFString(PRODUCER), "CreationDate": date, "ModDate": date,
        }).format(document)


def pdf_date(moment: datetime) -> str:
    """A PDF date in UTC, to the second (as the XMP's)."""
    return "D:" + moment.astimezone(UTC).strftime("%Y%m%d%H%M%S") + "+00'00'"


def _xmp(metadata: PdfMetadata, created: datetime) -> bytes:
    when = created.astimezone(UTC).isoformat()
    m = {k: escape(v) for k, v in (("title", metadata.title), ("author", metadata.author),
                                  ("subject", metadata.subject), ("lang", metadata.language),
                                  ("tool", metadata.creator_tool), ("producer", PRODUCER))}
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
        ' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">\n'
        '<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>\n'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{m["title"]}</rdf:li></rdf:Alt>'
        '</dc:title>\n'
        f'<dc:creator><rdf:Seq><rdf:li>{m["author"]}</rdf:li></rdf:Seq></dc:creator>\n'
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{m["subject"]}</rdf:li>'
        '</rdf:Alt></dc:description>\n'
        f'<dc:language><rdf:Bag><rdf:li>{m["lang"]}</rdf:li></rdf:Bag></dc:language>\n'
        f'<xmp:CreatorTool>{m["tool"]}</xmp:CreatorTool>\n'
        f'<xmp:CreateDate>{when}</xmp:CreateDate><xmp:ModifyDate>{when}</xmp:ModifyDate>'
        f'<xmp:MetadataDate>{when}</xmp:MetadataDate>\n'
        f'<pdf:Producer>{m["producer"]}</pdf:Producer>\n'
        '</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="r"?>'
    ).encode()


def _mime_name(mime_type: str) -> str:
    """A MIME type as a PDF name: ReportLab's PDFName leaves the "/" unescaped."""
    return "/" + PDFName(mime_type)[1:].replace("/", "#2F")


def _attachment_spec(item: Attachment, created: datetime) -> PDFDictionary:
    date = PDFString(pdf_date(created))
    embedded = Stream({
        "Type": PDFName("EmbeddedFile"), "Subtype": _mime_name(item.mime_type),
        "Params": PDFDictionary({
            "Size": len(item.data), "CreationDate": date, "ModDate": date,
            "CheckSum": Formatted(
                b"<%s>" % hashlib.md5(item.data, usedforsecurity=False).hexdigest().encode())}),
    }, zlib.compress(item.data), "FlateDecode")
    return PDFDictionary({
        "Type": PDFName("Filespec"), "F": PDFString(item.filename),
        "UF": PDFString(item.filename), "Desc": PDFString(item.description),
        "AFRelationship": PDFName(item.relationship),
        "EF": PDFDictionary({"F": embedded, "UF": embedded}),
    })


def add_catalog_entries(canvas: Canvas, **entries: Any) -> None:
    """Set catalog entries ReportLab's PDFCatalog has no slot for (OutputIntents, AF …)."""
    rl.set_catalog_entries(canvas, entries)


def make_pdfa3b(canvas: Canvas, metadata: PdfMetadata,
                attachments: tuple[Attachment, ...] = ()) -> None:
    """Everything PDF/A-3b needs, added to ``canvas``'s document before ``canvas.save()``.

    The canvas must be made with ``pdfVersion=PDF_VERSION`` and an embedded initial font.
    """
    created = (metadata.created or datetime.now(UTC)).replace(microsecond=0)
    document = rl.document_of(canvas)
    rl.set_document_info(canvas, _DocInfo(metadata, created))
    # ReportLab writes an empty page transition; the validator cannot vouch for it.
    rl.drop_page_transitions(canvas)
    intent = PDFDictionary({
        "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": PDFString(OUTPUT_CONDITION), "Info": PDFString("sRGB"),
        "DestOutputProfile": Stream({"N": 3}, _compressed_icc_profile(), "FlateDecode"),
    })
    entries: dict[str, Any] = {
        "Lang": PDFString(metadata.language),
        # Viewers show the title, not the file name (a PDF/A-2/3 recommendation).
        "ViewerPreferences": PDFDictionary({"DisplayDocTitle": "true"}),
        "Metadata": Stream({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")},
                           _xmp(metadata, created)),
        "OutputIntents": PDFArray([intent]),
    }
    if attachments:
        specs = [_attachment_spec(item, created) for item in attachments]
        refs = [document.Reference(spec) for spec in specs]
        names: list[Any] = []
        for item, ref in sorted(zip(attachments, refs, strict=True),
                                key=lambda pair: pair[0].filename):
            names += [PDFString(item.filename), ref]
        entries["Names"] = PDFDictionary({"EmbeddedFiles": PDFDictionary(
            {"Names": PDFArray(names)})})
        entries["AF"] = PDFArray(refs)
    add_catalog_entries(canvas, **entries)


def check_pdfa3b(data: bytes, *, unchecked_allowed: bool = False) -> None:
    """Raise DocumentError unless pikepdf's PDF/A-3b validator passes ``data``; with
    ``unchecked_allowed`` only its violations count (see pdfa3b_violations)."""
    failed = pdfa3b_violations(data) if unchecked_allowed else validate_pdfa3b(data).findings
    if failed:
        raise DocumentError(f"not PDF/A-3b: {failed}")


def pdfa3b_violations(data: bytes) -> list[pdfa.Finding]:
    """The validator's findings against ``data`` except what it cannot check: it does not
    check signature fields, and then not the embedded files either (render_pdf validates the
    same pages without the empty seal for those)."""
    return [f for f in validate_pdfa3b(data).findings if f.kind != "unsupported"]


def validate_pdfa3b(data: bytes) -> pdfa.Report:
    """pikepdf's PDF/A-3b verdict on finished bytes (``report.passed``, ``report.findings``)."""
    return pdfa.validate_written(io.BytesIO(data), "3b")
