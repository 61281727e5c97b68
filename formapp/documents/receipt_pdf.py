"""A generic sealed receipt: a title, paragraphs and a table of facts, as PDF/A-3b.

Used for what formapp confirms to a participant or keeps as proof of an act that is not a form:
a consent withdrawal, the registerutdrag of GDPR art. 15 (which adds ``parts``: the same
facts in Swedish and in the person's language, each in its own direction). The caller writes
the words; this module only lays them out (any script, the body in ``locale``'s direction)
and embeds the record as ``record.json``. Sealing is the caller's next step (``documents.seal``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from formapp.documents.errors import DocumentError
from formapp.documents.flow import Item
from formapp.documents.fonts import FontSet, load_fonts
from formapp.documents.locales import bcp47
from formapp.documents.page import (
    CONTENT_W,
    GREY,
    Builder,
    Decoration,
    decorator,
    label_value_rows,
    render_pdf,
)
from formapp.documents.pdfa import PdfMetadata, record_attachment
from formapp.localtime import local_text

BODY = 9.5
TITLE = 15.0
ANSWER = 8.5


@dataclass(frozen=True)
class ReceiptSection:
    """A heading, then its paragraphs, (label, value) rows and (question, answer) pairs. A
    question is printed over its answer at full width: long questions stay whole and read in
    order (also for a text extractor), where a table column would split them."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    answers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ReceiptPart:
    """A part of a receipt in one language (``locale`` sets its direction): a title, an
    introduction and its sections."""

    locale: str
    title: str
    paragraphs: tuple[str, ...] = ()
    sections: tuple[ReceiptSection, ...] = ()


@dataclass(frozen=True)
class ReceiptDocument:
    """What a receipt shows. ``facts`` are (label, value) rows of a table; values keep their
    own direction (an Arabic name reads right to left, a personnummer left to right)."""

    document_id: str
    title: str  # e.g. "Återkallat samtycke – FK 9443"
    paragraphs: tuple[str, ...]  # body text (Swedish, may contain any script)
    facts: tuple[tuple[str, str], ...]  # (label, value) rows shown as a table
    forbund: str
    record: Mapping[str, Any]  # embedded as record.json
    created: datetime | None = None
    locale: str = "sv"  # base direction / language of the body
    parts: tuple[ReceiptPart, ...] = ()  # after the facts, each in its own language

    def __post_init__(self) -> None:
        for name in ("document_id", "title", "forbund"):
            if not str(getattr(self, name)).strip():
                raise DocumentError(f"receipt: {name} is empty")


def layout_receipt(doc: ReceiptDocument, fonts: FontSet) -> tuple[list[Item], Decoration]:
    """Every block measured; raises MissingGlyphError before anything is drawn."""
    b = Builder(fonts, CONTENT_W)
    loc = doc.locale
    items: list[Item] = [b.text(doc.title, loc, TITLE, bold=True, keep_with_next=True)]
    for paragraph in doc.paragraphs:
        items.append(b.text(paragraph, loc, BODY, space_before=6))
    if doc.facts:
        items += label_value_rows(b, doc.facts, locale=loc, space_before=14)
    for part in doc.parts:
        items += _part_items(b, part)
    created = local_text(doc.created or datetime.now(UTC), zone=True)
    items.append(b.text(f"Dokument-id {doc.document_id} · skapat {created}", "sv", 7.5,
                        space_before=12, color=GREY))
    deco = Decoration(
        header=f"formapp · {doc.forbund}",
        footer_left=f"Dokument-id {doc.document_id}",
        page_format="sida {page} ({pages})",
        page_at_top=False,
    )
    return items, deco


def _part_items(b: Builder, part: ReceiptPart) -> list[Item]:
    loc = part.locale
    items: list[Item] = [b.text(part.title, loc, TITLE - 2, bold=True, space_before=20,
                                keep_with_next=True)]
    items += [b.text(paragraph, loc, BODY, space_before=6) for paragraph in part.paragraphs]
    for section in part.sections:
        items.append(b.text(section.heading, loc, BODY + 1.5, bold=True, space_before=14,
                            keep_with_next=True))
        items += [b.text(paragraph, loc, BODY, space_before=4) for paragraph in section.paragraphs]
        if section.facts:
            items += label_value_rows(b, section.facts, locale=loc, space_before=4)
        for question, answer in section.answers:
            items.append(b.text(question, loc, ANSWER, bold=True, space_before=5,
                                keep_with_next=True))
            items.append(b.text(answer, loc, ANSWER, space_before=1))
    return items


def render_receipt_pdf(doc: ReceiptDocument, fonts: FontSet | None = None, *,
                       validate: bool = False) -> bytes:
    """The receipt as PDF/A-3b bytes with ``doc.record`` embedded as record.json (not sealed);
    as many pages as the content needs. ``validate``: run pikepdf's PDF/A-3b check (slower)."""
    fonts = fonts or load_fonts()
    created = doc.created or datetime.now(UTC)
    items, deco = layout_receipt(doc, fonts)
    b = Builder(fonts, CONTENT_W)
    metadata = PdfMetadata(
        title=f"{doc.title} – {doc.document_id}",
        author=doc.forbund,
        subject=doc.title,
        language="sv-SE" if doc.locale == "sv" else bcp47(doc.locale),
        created=created,
    )
    return render_pdf(items, decorator(b, deco), fonts, metadata,
                      (record_attachment(doc.record),), validate=validate)
