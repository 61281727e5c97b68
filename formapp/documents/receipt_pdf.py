"""A generic sealed receipt: a title, paragraphs and a table of facts, as PDF/A-3b.

Used for what formapp confirms to a participant or keeps as proof of an act that is not a form:
a consent withdrawal, the registerutdrag of GDPR art. 15 (which adds ``parts``: the same
facts in Swedish and in the person's language, each in its own direction). The caller writes
the words; this module only lays them out (any script, the body in ``locale``'s direction)
and embeds the record as ``record.json``. Sealing is the caller's next step (``documents.seal``).
What a receipt says is ``documents.receipt`` (no PDF stack, for the callers that build one).
"""

from __future__ import annotations

from datetime import UTC, datetime

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
from formapp.documents.receipt import ReceiptDocument, ReceiptPart
from formapp.localtime import local_text

BODY = 9.5
TITLE = 15.0
ANSWER = 8.5


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
