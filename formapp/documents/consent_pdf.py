"""The consent page, as on the FK 9443 paper form, with the translation the participant read.

Order on the page (seeds/002): the issuer's header, title, body, "Samtycke" declaration, then the
boxes Personnummer / Underskrift / Ort och datum / Namnförtydligande and the form id footer.
The issuer is whoever issued the binding text: Försäkringskassan (header "Försäkringskassan",
footer "FK9443 (002.F.001) Fastställt av Försäkringskassan") only where FK 9443's text is the
one signed; otherwise the förbund, which is personuppgiftsansvarig. formapp adds what the
electronic proof needs (DESIGN.md §6): the translation that was read, each text's version id
and SHA-256, the officer, the insats and the document id; every page's footer repeats the
document id, the text versions and the personnummer, so no page stands alone unidentified.
Everything is laid out before anything is drawn, so a character no font can draw stops the
document before it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from reportlab.pdfgen.canvas import Canvas

from formapp.documents.consent import ConsentDocument, ConsentText, Signature
from formapp.documents.flow import BLACK, BoxItem, Color, Item
from formapp.documents.fonts import FontSet, load_fonts
from formapp.documents.itemize import script_role
from formapp.documents.locales import bcp47, display_name
from formapp.documents.outlines import fill_block_outlines
from formapp.documents.page import BOTTOM, GREY, MARGIN_X, PAGE_H, PAGE_W, render_pdf
from formapp.documents.page import Builder as _Builder
from formapp.documents.pdfa import PdfMetadata, record_attachment
from formapp.documents.pdftext import draw_block
from formapp.documents.textlayout import Align, TextBlock
from formapp.localtime import local_text

FORM_ID = "FK9443 (002.F.001) Fastställt av Försäkringskassan"
AUTHORITY = "Försäkringskassan"
SAMPLE_BANNER = "EXEMPEL – INTE ETT RIKTIGT SAMTYCKE"

RED: Color = (0.75, 0.05, 0.05)
BODY = 9.0
# Arabic and Thai letters look smaller than Latin at the same size.
SCRIPT_SCALE = {"arabic": 1.2, "thai": 1.1, "ethiopic": 1.0, "latin": 1.0}


def _scale(text: ConsentText) -> float:
    letters = [r for r in map(script_role, text.title + text.declaration_text) if r]
    dominant = max(set(letters), key=letters.count) if letters else "latin"
    return SCRIPT_SCALE.get(dominant, 1.0)


def _text_items(b: _Builder, text: ConsentText, with_title: bool) -> list[Item]:
    size = BODY * _scale(text)
    loc = text.locale
    items: list[Item] = []
    if with_title:
        items.append(b.text(text.title, loc, size * 1.45, bold=True, space_before=6,
                            keep_with_next=True))
    for section in text.sections:
        if section.heading:
            items.append(b.text(section.heading, loc, size * 1.1, bold=True, space_before=7,
                                keep_with_next=True))
        for paragraph in section.paragraphs:
            items.append(b.text(paragraph, loc, size, space_before=4))
    items.append(b.text(text.declaration_heading, loc, size * 1.1, bold=True, space_before=8,
                        keep_with_next=True))
    items.append(b.text(text.declaration_text, loc, size, space_before=3))
    return items


def _provenance(b: _Builder, text: ConsentText, heading: str) -> list[Item]:
    """Which text this is: language, status, version id and SHA-256 (Swedish, small, grey)."""
    language = f"{display_name(text.locale)} ({text.locale})"
    if text.language_name and text.language_name.lower() != display_name(text.locale).lower():
        language = f"{display_name(text.locale)} – {text.language_name} ({text.locale})"
    line = f"{heading} · {language} · status: {text.status} · version: {text.version}"
    return [
        b.text(line, "sv", 7.5, bold=True, space_before=14, color=GREY, keep_with_next=True),
        b.text(f"SHA-256: {text.sha256}", "sv", 7, color=GREY, keep_with_next=True),
    ]


def _boxes(b: _Builder, doc: ConsentDocument) -> BoxItem:
    """The four boxes of the paper form, labels in Swedish and in the language read."""
    sv = doc.binding_text.labels
    tr = doc.read_text
    half = b.width / 2
    pad = 4.0
    cells = [
        ("personnummer", doc.personnummer, 0),
        ("underskrift", None, 1),
        ("ort_och_datum", f"{doc.place} {doc.signed_on.isoformat()}", 2),
        ("namnfortydligande", doc.name, 3),
    ]
    laid: list[tuple[list[TextBlock], TextBlock | None, int]] = []
    for key, value, index in cells:
        labels = [b.block(getattr(sv, key), "sv", 7.5, width=half - 2 * pad)]
        if tr is not None:
            labels.append(b.block(getattr(tr.labels, key), tr.locale, 7.5 * _scale(tr),
                                  width=half - 2 * pad))
        # Values are the participant's data: laid out left to right in the Swedish form.
        shown = b.block(value, "sv", 11, width=half - 2 * pad, rtl=False) if value else None
        laid.append((labels, shown, index))
    label_h = max(sum(x.height for x in labels) for labels, _, _ in laid) + 2 * pad
    top_row = label_h + 62.0  # the signature needs room
    bottom_row = label_h + 22.0
    signature = doc.signature

    def draw(canvas: Canvas, x: float, y_top: float, width: float) -> None:
        canvas.setLineWidth(0.6)
        canvas.setStrokeColorRGB(*BLACK)
        for labels, shown, index in laid:
            col, row = index % 2, index // 2
            cx = x + col * half
            cy = y_top - (0 if row == 0 else top_row)
            height = top_row if row == 0 else bottom_row
            canvas.rect(cx, cy - height, half, height, stroke=1, fill=0)
            ty = cy - pad
            canvas.setFillColorRGB(*GREY)
            for label in labels:
                ty = draw_block(canvas, label, cx + pad, ty)
            canvas.setFillColorRGB(*BLACK)
            if shown is not None:
                draw_block(canvas, shown, cx + pad, cy - height + pad + shown.height)
            if index == 1:
                _draw_signature(canvas, signature, cx + pad, cy - label_h,
                                half - 2 * pad, height - label_h - pad)

    return BoxItem(top_row + bottom_row, draw, space_before=14)


def _draw_signature(canvas: Canvas, signature: Signature, x: float, y_top: float,
                    width: float, height: float) -> None:
    """Strokes scaled into the box, keeping the pad's proportions, centred."""
    scale = min(width / signature.aspect, height)
    w, h = scale * signature.aspect, scale
    ox = x + (width - w) / 2
    oy = y_top - (height - h) / 2
    canvas.saveState()
    canvas.setStrokeColorRGB(0.05, 0.1, 0.45)
    canvas.setFillColorRGB(0.05, 0.1, 0.45)
    canvas.setLineWidth(1.1)
    canvas.setLineCap(1)
    canvas.setLineJoin(1)
    for stroke in signature.strokes:
        points = [(ox + px * w, oy - py * h) for px, py in stroke.points]
        if len(points) == 1:
            canvas.circle(points[0][0], points[0][1], 0.7, stroke=0, fill=1)
            continue
        path = canvas.beginPath()
        path.moveTo(*points[0])
        for point in points[1:]:
            path.lineTo(*point)
        canvas.drawPath(path, stroke=1, fill=0)
    canvas.restoreState()


def _details(b: _Builder, doc: ConsentDocument, created: datetime) -> BoxItem:
    """Label: value lines for the officer, insats, förbund and document id."""
    rows = [
        ("Insats", doc.insats),
        ("Samordningsförbund", doc.forbund),
        ("Deltagaransvarig", doc.officer),
        ("Dokument-id", doc.document_id),
        ("Skapat", local_text(created, zone=True)),  # Swedish time; the record keeps UTC
        *doc.extra.items(),
    ]
    lines = [(label, value, "sv") for label, value in rows] + list(doc.extra_lines)
    label_w = 110.0
    laid = [(b.block(label, "sv", 8, bold=True, width=label_w - 6),
             b.block(value or "–", locale, 8, width=b.width - label_w))
            for label, value, locale in lines]
    heights = [max(lab.height, val.height) + 2 for lab, val in laid]

    def draw(canvas: Canvas, x: float, y_top: float, width: float) -> None:
        y = y_top
        for (label, value), height in zip(laid, heights, strict=True):
            canvas.setFillColorRGB(*GREY)
            draw_block(canvas, label, x, y)
            canvas.setFillColorRGB(*BLACK)
            draw_block(canvas, value, x + label_w, y)
            y -= height

    return BoxItem(sum(heights), draw, space_before=10)


def issuer(doc: ConsentDocument) -> str:
    """Who issued the binding text: Försäkringskassan for FK 9443's, else the förbund."""
    return AUTHORITY if doc.binding_text.is_fk else (doc.binding_text.issuer or doc.forbund)


def form_line(doc: ConsentDocument) -> str:
    """The form id footer: FK 9443's own only under FK 9443's text."""
    return FORM_ID if doc.binding_text.is_fk else f"Samtycke · {issuer(doc)}"


def footer_line(doc: ConsentDocument) -> str:
    """Document id, text versions and personnummer: on every page."""
    versions = doc.binding_text.version
    if doc.read_text is not None:
        versions += f" + {doc.read_text.version}"
    return f"Dokument-id {doc.document_id} · Text {versions} · Personnummer {doc.personnummer}"


def _page_decoration(b: _Builder, doc: ConsentDocument) -> Callable[[Canvas, int, int], None]:
    authority = b.block(issuer(doc), "sv", 14, bold=True, width=340)
    form_id = b.block(form_line(doc), "sv", 7, width=b.width)
    footer = b.block(footer_line(doc), "sv", 7, width=b.width)
    banner = b.block(SAMPLE_BANNER, "sv", 11, bold=True, align=Align.CENTER)
    watermark = b.block(SAMPLE_BANNER, "sv", 30, bold=True, width=760, align=Align.CENTER)
    numbers: dict[tuple[int, int], TextBlock] = {}

    def decorate(canvas: Canvas, page: int, pages: int) -> None:
        if doc.sample:
            canvas.saveState()
            canvas.translate(PAGE_W / 2, PAGE_H / 2)
            canvas.rotate(55)
            canvas.setFillColorRGB(1.0, 0.86, 0.86)
            fill_block_outlines(canvas, watermark, -380, watermark.height / 2)
            canvas.restoreState()
        draw_block(canvas, authority, MARGIN_X, PAGE_H - 36)
        key = (page, pages)
        if key not in numbers:
            numbers[key] = b.block(f"{page} ({pages})", "sv", 9, width=80, align=Align.END)
        draw_block(canvas, numbers[key], PAGE_W - MARGIN_X - 80, PAGE_H - 40)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, PAGE_H - 60, PAGE_W - MARGIN_X, PAGE_H - 60)
        if doc.sample:
            canvas.setFillColorRGB(*RED)
            canvas.rect(MARGIN_X, PAGE_H - 84, b.width, 19, stroke=0, fill=1)
            canvas.setFillColorRGB(1, 1, 1)
            draw_block(canvas, banner, MARGIN_X, PAGE_H - 67)
            canvas.setFillColorRGB(*BLACK)
        canvas.line(MARGIN_X, BOTTOM - 14, PAGE_W - MARGIN_X, BOTTOM - 14)
        draw_block(canvas, form_id, MARGIN_X, BOTTOM - 18)
        draw_block(canvas, footer, MARGIN_X, BOTTOM - 18 - form_id.height - 1)

    return decorate


def layout_consent(doc: ConsentDocument, fonts: FontSet) -> tuple[list[Item], Callable]:
    """All blocks of the document, measured; raises MissingGlyphError before any drawing."""
    b = _Builder(fonts, PAGE_W - 2 * MARGIN_X)
    created = doc.created or datetime.now(UTC)
    items: list[Item] = []
    items += _provenance(b, doc.binding_text, "Bindande text")
    items += _text_items(b, doc.binding_text, with_title=True)
    if doc.read_text is not None:
        heading = "Översättning som deltagaren läste"
        items += _provenance(b, doc.read_text, heading)
        items += _text_items(b, doc.read_text, with_title=True)
    items.append(_boxes(b, doc))
    items.append(_details(b, doc, created))
    return items, _page_decoration(b, doc)


def render_consent_pdf(doc: ConsentDocument, fonts: FontSet | None = None, *,
                       validate: bool = False, sealable: bool = True) -> bytes:
    """The consent as PDF/A-3b bytes with the record embedded as record.json, with an empty
    seal for Sealer.seal (none if not ``sealable``).

    ``validate`` runs pikepdf's PDF/A-3b validator on the written bytes (raises if they fail).
    """
    fonts = fonts or load_fonts()
    created = doc.created or datetime.now(UTC)
    items, decorate = layout_consent(doc, fonts)
    language = bcp47(doc.read_text.locale) if doc.read_text else "sv"
    fk = doc.binding_text.is_fk
    metadata = PdfMetadata(
        title=f"{'FK 9443 ' if fk else ''}Samtycke – {doc.document_id}",
        author=doc.forbund or "formapp",
        subject=(f"{'Samtycke till registrering i SUS' if fk else 'Samtycke till uppföljning'}"
                 f"; bindande text {doc.binding_text.version}"
                 + (f", läst på {language} ({doc.read_text.version})" if doc.read_text else "")),
        language="sv-SE",
        created=created,
    )
    return render_pdf(items, decorate, fonts, metadata, (record_attachment(doc.record),),
                      validate=validate, sealable=sealable)
