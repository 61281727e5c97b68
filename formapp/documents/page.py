"""Building blocks every formapp PDF shares: the A4 page, a measuring builder, the header and
footer decoration, label/value rows, check boxes, and the paginate-draw-finish loop.

FK 9443 (consent_pdf), FK 9448/9449 (form_pdf) and the sealed receipts (receipt_pdf) all lay
out every block first (so a glyph no font has stops the document before it exists), paginate,
then draw; only what is on the page differs.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from formapp.documents import _reportlab_internals as internals
from formapp.documents.flow import (
    BLACK,
    BoxItem,
    Color,
    Frame,
    Item,
    TextItem,
    draw_item,
    paginate,
)
from formapp.documents.fonts import Font, FontSet
from formapp.documents.itemize import script_role
from formapp.documents.locales import is_rtl
from formapp.documents.pdfa import PDF_VERSION, Attachment, PdfMetadata, check_pdfa3b, make_pdfa3b
from formapp.documents.pdftext import draw_block
from formapp.documents.seal_slot import add_seal_slot
from formapp.documents.textlayout import Align, TextBlock, TextStyle, layout_paragraph

PAGE_W, PAGE_H = A4
MARGIN_X = 50.0
TOP = PAGE_H - 92.0  # below the header
BOTTOM = 58.0  # above the footer
CONTENT_W = PAGE_W - 2 * MARGIN_X
GREY: Color = (0.35, 0.35, 0.35)
LIGHT: Color = (0.9, 0.9, 0.9)

Decorate = Callable[[Canvas, int, int], None]


@dataclass
class Builder:
    """Lays out the page's blocks; every block is measured here, before drawing."""

    fonts: FontSet
    width: float

    def block(self, text: str, locale: str, size: float, *, bold: bool = False,
              align: Align = Align.START, width: float | None = None,
              rtl: bool | None = None) -> TextBlock:
        style = TextStyle(size=size, bold=bold, align=align)
        return layout_paragraph(text, width or self.width, style, self.fonts,
                                rtl=is_rtl(locale) if rtl is None else rtl, locale=locale)

    def text(self, text: str, locale: str, size: float, *, bold: bool = False,
             space_before: float = 0.0, color: Color = BLACK, keep_with_next: bool = False,
             ) -> TextItem:
        return TextItem(self.block(text, locale, size, bold=bold), space_before, color,
                        keep_with_next)

    def value(self, text: str, size: float, *, width: float, doc_rtl: bool = False,
              bold: bool = False) -> TextBlock:
        """A value typed by a person (a name, a place): its own base direction (UAX #9 P2), so
        an Arabic name reads right to left, while digits-only values (personnummer, dates)
        stay left to right; aligned to the document's start side either way."""
        rtl = first_strong_is_rtl(text)
        align = Align.START if rtl == doc_rtl else Align.END
        size *= script_scale(text)
        return layout_paragraph(text, width, TextStyle(size=size, bold=bold, align=align),
                                self.fonts, rtl=rtl, locale=None)


# Arabic and Thai letters look smaller than Latin at the same size (as in the consent layout).
SCRIPT_SCALE = {"arabic": 1.2, "thai": 1.1, "ethiopic": 1.0, "latin": 1.0}


def script_scale(text: str) -> float:
    """The size factor of the script most letters of ``text`` are in."""
    letters = [r for r in map(script_role, text) if r]
    if not letters:
        return 1.0
    return SCRIPT_SCALE.get(max(set(letters), key=letters.count), 1.0)


def first_strong_is_rtl(text: str) -> bool:
    """UAX #9 rules P2/P3: the first strong character decides; none (digits, dashes) = LTR."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


@dataclass(frozen=True)
class Decoration:
    """What every page repeats. ``page_format`` takes {page} and {pages}; ``page_at_top`` puts
    it at the top right (as the paper forms do), else at the footer's right end."""

    header: str  # bold, top left
    header_lines: tuple[str, ...] = ()  # small, right-aligned left of the page number
    footer_left: str = ""
    footer_right: str = ""
    page_format: str = "{page} ({pages})"
    page_at_top: bool = True


def decorator(b: Builder, deco: Decoration) -> Decorate:
    """The header and footer as a per-page drawing function; all text measured up front."""
    # The header stays on one line above the rule: a long förbund name gets a smaller size.
    room = CONTENT_W - (330 if deco.header_lines or deco.page_at_top else 0)
    for size in (14.0, 12.0, 10.0, 8.5):
        header = b.block(deco.header, "sv", size, bold=True, width=room)
        if len(header.lines) == 1:
            break
    lines = [b.block(line, "sv", 8 if i == 0 and len(deco.header_lines) > 1 else 11,
                     bold=i > 0 or len(deco.header_lines) == 1, width=220, align=Align.END)
             for i, line in enumerate(deco.header_lines)]
    left = b.block(deco.footer_left, "sv", 7, width=300) if deco.footer_left else None
    right = b.block(deco.footer_right, "sv", 7, width=240, align=Align.END) \
        if deco.footer_right else None
    numbers: dict[tuple[int, int], TextBlock] = {}

    def decorate(canvas: Canvas, page: int, pages: int) -> None:
        canvas.setFillColorRGB(*BLACK)
        canvas.setStrokeColorRGB(*BLACK)
        draw_block(canvas, header, MARGIN_X, PAGE_H - 36)
        key = (page, pages)
        if key not in numbers:
            size = 9 if deco.page_at_top else 7
            numbers[key] = b.block(deco.page_format.format(page=page, pages=pages), "sv",
                                   size, width=80, align=Align.END)
        y = PAGE_H - 32
        for line in lines:
            y = draw_block(canvas, line, PAGE_W - MARGIN_X - 90 - 220, y)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, PAGE_H - 60, PAGE_W - MARGIN_X, PAGE_H - 60)
        canvas.line(MARGIN_X, BOTTOM - 14, PAGE_W - MARGIN_X, BOTTOM - 14)
        if left is not None:
            draw_block(canvas, left, MARGIN_X, BOTTOM - 18)
        if deco.page_at_top:
            draw_block(canvas, numbers[key], PAGE_W - MARGIN_X - 80, PAGE_H - 40)
            if right is not None:
                draw_block(canvas, right, PAGE_W - MARGIN_X - 240, BOTTOM - 18)
        else:
            draw_block(canvas, numbers[key], PAGE_W - MARGIN_X - 80, BOTTOM - 18)
            if right is not None:  # left of the page number
                draw_block(canvas, right, PAGE_W - MARGIN_X - 90 - 240, BOTTOM - 18)

    return decorate


def label_value_rows(b: Builder, rows: Sequence[tuple[str, str]], *, label_w: float = 130.0,
                     size: float = 8.5, locale: str = "sv", ruled: bool = True,
                     space_before: float = 0.0) -> list[Item]:
    """A two-column table, one unbreakable item per row so long tables break between rows.

    Labels are in the document's language; values keep their own direction (``Builder.value``).
    In a right-to-left document the table is mirrored (labels on the right)."""
    doc_rtl = is_rtl(locale)
    gap = 8.0
    value_w = b.width - label_w - gap
    items: list[Item] = []
    for n, (label, value) in enumerate(rows):
        lab = b.block(label, locale, size, bold=True, width=label_w - 4)
        val = b.value(value or "–", size, width=value_w, doc_rtl=doc_rtl)
        pad = 3.0 if ruled else 1.0
        # First baselines aligned: an Arabic value (larger, taller ascent) beside a Latin label.
        shift_lab = max(0.0, val.ascent - lab.ascent)
        shift_val = max(0.0, lab.ascent - val.ascent)
        height = max(lab.height + shift_lab, val.height + shift_val) + 2 * pad

        def draw(canvas: Canvas, x: float, y_top: float, width: float, lab: TextBlock = lab,
                 val: TextBlock = val, height: float = height, pad: float = pad,
                 shift_lab: float = shift_lab,
                 shift_val: float = shift_val) -> None:
            label_x, value_x = (x + width - label_w + 4, x) if doc_rtl else (x, x + label_w + gap)
            if ruled:
                canvas.setLineWidth(0.4)
                canvas.setStrokeColorRGB(*GREY)
                # Every row draws its top rule too: a row that starts a page is closed above.
                canvas.line(x, y_top, x + width, y_top)
                canvas.line(x, y_top - height, x + width, y_top - height)
                canvas.setStrokeColorRGB(*BLACK)
            canvas.setFillColorRGB(*GREY)
            draw_block(canvas, lab, label_x, y_top - pad - shift_lab)
            canvas.setFillColorRGB(*BLACK)
            draw_block(canvas, val, value_x, y_top - pad - shift_val)

        too_tall = height > TOP - BOTTOM
        if too_tall:
            # A value longer than a page: label as a heading, the value as breakable text.
            items.append(TextItem(lab, space_before if n == 0 else 4, GREY, True))
            items.append(TextItem(b.block(value, locale, size), 2))
        else:
            items.append(BoxItem(height, draw, space_before=space_before if n == 0 else 0))
    return items


# --- check boxes ----------------------------------------------------------------------------

CHECKED = "☒"  # U+2612: what a chosen box extracts as (pdftotext, screen readers, search)
UNCHECKED = "☐"  # U+2610


def draw_checkbox(canvas: Canvas, font: Font, x: float, baseline: float, size: float,
                  checked: bool, text_size: float) -> None:
    """A box of side ``size`` at ``x``, sitting on the text ``baseline`` of its label (which
    is ``text_size``), crossed when ``checked``.

    NotoSans has no ☐/☒ and a missing glyph would break PDF/A, so the box is vector strokes.
    So that the text layer still says which box is ticked, an invisible glyph (render mode 3)
    on the label's baseline and size extracts as ☒ or ☐ through the ToUnicode map
    (glyphfont.code_for): pdftotext then reads "☒ Gymnasium" on one line."""
    y = baseline - 1
    canvas.setLineWidth(0.7)
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.rect(x, y, size, size, stroke=1, fill=0)
    if checked:
        inset = size * 0.2
        canvas.setLineWidth(1.1)
        canvas.line(x + inset, y + inset, x + size - inset, y + size - inset)
        canvas.line(x + inset, y + size - inset, x + size - inset, y + inset)
    _invisible_text(canvas, font, CHECKED if checked else UNCHECKED, x, baseline, text_size,
                    size)


def _invisible_text(canvas: Canvas, font: Font, text: str, x: float, y: float,
                    size: float, width: float) -> None:
    rl = font.rl_font
    gid = font.cmap[ord("x")]  # any drawable glyph: it is never painted
    code = rl.code_for(gid, text)
    document = internals.document_of(canvas)
    ((subset, data),) = rl.splitString(chr(code), document)
    resource = rl.getSubsetInternalName(subset, document)
    # Centred on the box; q/Q because the render mode is graphics state and would outlive ET.
    left = x + (width - font.advance(gid) * size / font.units_per_em) / 2
    internals.append_operators(canvas, f"q BT 3 Tr {resource} {size:.2f} Tf 1 0 0 1 {left:.3f} "
                                       f"{y:.3f} Tm <{data.hex()}> Tj ET Q")


# --- the document -----------------------------------------------------------------------------

def render_pdf(items: list[Item], decorate: Decorate, fonts: FontSet, metadata: PdfMetadata,
               attachments: tuple[Attachment, ...], *, validate: bool = False,
               sealable: bool = True) -> bytes:
    """Paginate the measured items, draw each page with its decoration, write PDF/A-3b in one
    pass, with an empty seal for Sealer.seal to fill unless ``sealable`` is False.

    ``validate`` runs pikepdf's PDF/A-3b validator (~40 ms a page; the tests do, for every
    locale, so the per-document path does not). The validator does not check signature fields
    (it reports them "unsupported", as it did for pyHanko's): the same pages without the empty
    seal must pass it, and with it nothing may be a violation."""
    frame = Frame(MARGIN_X, TOP, CONTENT_W, BOTTOM)
    pages = paginate(items, frame)

    def write(with_seal: bool) -> bytes:
        buffer = io.BytesIO()
        # The initial font is ours: ReportLab's default Helvetica would be an unembedded font.
        canvas = Canvas(buffer, pagesize=A4, initialFontName=fonts.get("latin").name,
                        pageCompression=1, invariant=1, pdfVersion=PDF_VERSION)
        for number, page in enumerate(pages, start=1):
            if number == 1 and with_seal:
                add_seal_slot(canvas)
            decorate(canvas, number, len(pages))
            for item, y_top in page.placements:
                draw_item(canvas, item, frame, y_top)
            canvas.showPage()
        make_pdfa3b(canvas, metadata, attachments)
        canvas.save()
        return buffer.getvalue()

    data = write(sealable)
    if validate:
        check_pdfa3b(write(False) if sealable else data)
        if sealable:
            check_pdfa3b(data, unchecked_allowed=True)
    return data
