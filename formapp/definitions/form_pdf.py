"""FK 9448 / 9449 as a PDF in the paper form's layout, generated from the form definition.

Nothing here names a question: sections, labels, option lists, help texts, conditions and the
footer come from ``forms/NNNN/form.toml`` (``formapp.definitions``), so a change of the form is a
change of data. What the page shows, in the paper's order (seeds/002):

- header "Försäkringskassan", "Underlag" and the form's title, page "N (M)" at the top right;
- per section a grey title band; the identifying fields (context values with a label, then
  personnummer, namn, måttillfälle, dates, kommun, stadsdel) as a grid of labelled cells;
- every question with ALL its options as check boxes, word for word, the chosen ones crossed
  (vector boxes; the text layer says ☒ or ☐, see ``page.draw_checkbox``), in as many
  columns as keep each label on one line, filled column by column; yes/no, percents and short
  lists run on after the question as on the paper ("… denna insats? ☒ Ja ☐ Nej"); option
  lists with the form's own numeric codes (9449's avslutningsanledning) show the code, and
  the chosen option's help text;
- formapp's additions: officer, unlabelled context (insats period, the registration's start
  date), document id, creation time (förbund and insats only if they differ from the cells);
- footer: the definition's footer line ("FK 9448 (002.F.001) Fastställt av Försäkringskassan")
  and the document id.

Questions not asked (a condition does not hold) are shown, consistently, as "Ej aktuellt" where
the condition sits: a question as its label and "Ej aktuellt" (no boxes, so nothing can be read
as an answer); a whole section (9449 after end reason 6, 7 or 8) as its title and one line
saying why. Values for questions not asked are never drawn, even if the caller passes them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from formapp.definitions import Condition, Field, FormDefinition, Option, Section
from formapp.definitions.model import NO, YES, YES_NO
from formapp.documents.flow import BLACK, BoxItem, Item
from formapp.documents.fonts import Font, FontSet, load_fonts
from formapp.documents.page import (
    CONTENT_W,
    GREY,
    LIGHT,
    Builder,
    Decoration,
    decorator,
    draw_checkbox,
    label_value_rows,
    render_pdf,
)
from formapp.documents.pdfa import PdfMetadata, record_attachment
from formapp.documents.pdftext import draw_block
from formapp.documents.textlayout import TextBlock
from formapp.domain import kommuner
from formapp.localtime import local_text

AUTHORITY = "Försäkringskassan"
NOT_ASKED = "Ej aktuellt"
LABEL = 9.0  # question text
OPTION = 8.5  # option labels
CELL_LABEL = 7.0
CELL_VALUE = 10.0
HELP = 7.5
BOX = 7.5  # check box side
BOX_GAP = 4.0  # between a box and its label
COLUMN_GAP = 6.0  # between a label and the next column's box
QUESTION_GAP = 7.0
SLOT_GAP = 5.0  # between a question's last word and its answer (< 1 em, see below)
CELL_TYPES = frozenset({"personnummer", "text", "fixed", "date", "kommun", "stadsdel"})
WIDE_TYPES = frozenset({"personnummer", "text"})  # half a row on the paper; others a quarter
# Context values the paper form does not print (no label) but the archive copy should show.
CONTEXT_LABELS = {
    "insats_start": "Insatsens startdatum",
    "insats_slut": "Insatsens slutdatum",
    "startdatum": "Startdatum (inregistrering)",
}


def render_form_pdf(definition: FormDefinition, values: Mapping[str, Any], *, document_id: str,
                    forbund: str, insats: str, officer: str, record: Mapping[str, Any],
                    context: Mapping[str, Any] | None = None,
                    created: datetime | None = None, validate: bool = False) -> bytes:
    """The filled form as PDF/A-3b bytes (with an empty seal) with ``record`` embedded as
    record.json; ``validate``: run pikepdf's PDF/A-3b check (slower).

    ``values`` are the cleaned values of :func:`formapp.definitions.check` (codes, tuples of
    codes, "ja"/"nej" or bool, int percents, dates, a Personnummer); ``context`` the form's
    context values as given to ``check`` (the insats period, the registration's start date).
    """
    fonts = load_fonts()
    created = created or datetime.now(UTC)
    layout = _FormLayout(Builder(fonts, CONTENT_W), fonts, definition, values,
                         context or {}, forbund=forbund, insats=insats)
    items = layout.items()
    items += _details(layout.b, definition, context or {}, document_id=document_id,
                      forbund=forbund, insats=insats, officer=officer, created=created)
    deco = Decoration(header=AUTHORITY, header_lines=("Underlag", definition.title),
                      footer_left=definition.footer, footer_right=f"Dokument-id {document_id}")
    metadata = PdfMetadata(
        title=f"FK {definition.id} {definition.title} – {document_id}",
        author=forbund or "formapp",
        subject=f"Underlag {definition.paper_title}; insats {insats}",
        language="sv-SE",
        created=created,
    )
    return render_pdf(items, decorator(layout.b, deco), fonts, metadata,
                      (record_attachment(record),), validate=validate)


# --- answers ------------------------------------------------------------------------------------

def _codes(field: Field, value: object) -> tuple[str, ...]:
    """The chosen codes of any answer: yes/no as "ja"/"nej", several for multi-choice."""
    if value is None:
        return ()
    if isinstance(value, bool):
        return (YES if value else NO,)
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(str(v) for v in value)
    return (str(value),)


def _holds(condition: Condition, field: Field, value: object) -> bool:
    """The same semantics as formapp.definitions.validation (in/not_in/public_support)."""
    chosen = _codes(field, value)
    if condition.op == "in":
        return any(code in condition.values for code in chosen)
    if condition.op == "not_in":
        return not any(code in condition.values for code in chosen)
    options = field.options.options if field.options else ()
    return any(o.public_support is condition.flag for o in options if o.code in chosen)


def asked_fields(definition: FormDefinition, values: Mapping[str, Any]) -> dict[str, bool]:
    """Per field, whether it was asked given ``values`` (a condition on a question not asked,
    or not answered, does not hold). A field's ``when`` already holds its section's."""
    asked: dict[str, bool] = {}
    for field in definition.fields.values():
        asked[field.name] = all(
            asked.get(c.field, False) and values.get(c.field) is not None
            and _holds(c, definition.fields[c.field], values[c.field])
            for c in field.when)
    return asked


def _option_text(option: Option, with_code: bool) -> str:
    return f"{option.code} {option.label}" if with_code else option.label


def _numbered(field: Field) -> bool:
    """Option lists with the form's own numeric codes (9449 "Kod Avslutningsanledningar")."""
    return field.options is not None and all(o.code.isdigit() for o in field.options.options)


def _cell_value(field: Field, value: object) -> str:
    if value is None or value == "":
        return "–"
    if field.type == "personnummer":
        return getattr(value, "formatted", None) or str(value)
    if isinstance(value, date):
        return value.isoformat()
    if field.type == "kommun" and kommuner.is_kommun(value):
        return f"{kommuner.kommun(str(value)).name} ({value})"
    return str(value)


# --- layout -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Slot:
    """An answer drawn after a question's text: draw(canvas, x, baseline)."""

    width: float
    height: float
    ascent: float  # above the baseline
    draw: Callable[[Canvas, float, float], None]


@dataclass(frozen=True)
class _Cell:
    label: str
    value: str
    units: int  # quarters of a row
    muted: bool = False  # "Ej aktuellt"


class _FormLayout:
    """Turns one definition and its answers into measured page items."""

    def __init__(self, b: Builder, fonts: FontSet, definition: FormDefinition,
                 values: Mapping[str, Any], context: Mapping[str, Any], *, forbund: str,
                 insats: str) -> None:
        self.b = b
        self.box_font: Font = fonts.get("latin")
        self.definition = definition
        self.values = values
        self.context = context
        self.asked = asked_fields(definition, values)
        self.fallback = {"samverkansorganisation": forbund, "insats": insats}

    def items(self) -> list[Item]:
        items: list[Item] = []
        for number, section in enumerate(self.definition.sections):
            items.append(self._band(section.title, space_before=0 if number == 0 else 14))
            if section.when is not None and not self._section_asked(section):
                items.append(self.b.text(self._why_not(section.when), "sv", LABEL,
                                         space_before=6, color=GREY))
                continue
            cells: list[_Cell] = self._context_cells() if number == 0 else []
            for field in self.definition.section_fields(section):
                if field.type in CELL_TYPES:
                    cells.append(self._cell(field))
                    continue
                if cells:
                    items.append(self._grid(cells))
                    cells = []
                items += self._question(field)
            if cells:
                items.append(self._grid(cells))
        return items

    def _section_asked(self, section: Section) -> bool:
        condition = section.when
        assert condition is not None
        value = self.values.get(condition.field)
        return (self.asked.get(condition.field, False) and value is not None
                and _holds(condition, self.definition.fields[condition.field], value))

    def _why_not(self, condition: Condition) -> str:
        field = self.definition.fields[condition.field]
        chosen = _codes(field, self.values.get(condition.field))
        if field.options is not None:
            answer = ", ".join(_option_text(field.options.get(c), _numbered(field))
                               for c in chosen if c in field.options.codes)
        else:
            answer = ", ".join(chosen)
        return f"{NOT_ASKED}: {field.label} är ”{answer or '–'}”."

    # section title band ---------------------------------------------------------------------

    def _band(self, title: str, space_before: float) -> BoxItem:
        block = self.b.block(title, "sv", 10.5, bold=True, width=self.b.width - 12)
        height = block.height + 8

        def draw(canvas: Canvas, x: float, y_top: float, width: float) -> None:
            canvas.setFillColorRGB(*LIGHT)
            canvas.rect(x, y_top - height, width, height, stroke=0, fill=1)
            canvas.setFillColorRGB(*BLACK)
            draw_block(canvas, block, x + 6, y_top - 4)

        return BoxItem(height, draw, space_before=space_before, keep_with_next=True)

    # identifying fields as a grid of cells -----------------------------------------------------

    def _context_cells(self) -> list[_Cell]:
        cells = []
        for spec in self.definition.context.values():
            if not spec.label:
                continue  # not printed on the paper form; listed with formapp's details
            value = self.context.get(spec.name) or self.fallback.get(spec.name) or "–"
            text = value.isoformat() if isinstance(value, date) else str(value)
            cells.append(_Cell(spec.label, text, 2))
        return cells

    def _cell(self, field: Field) -> _Cell:
        units = 2 if field.type in WIDE_TYPES else 1
        if not self.asked[field.name]:
            return _Cell(field.label, NOT_ASKED, units, muted=True)
        value = field.value if field.type == "fixed" else self.values.get(field.name)
        return _Cell(field.label, _cell_value(field, value), units)

    def _grid(self, cells: Sequence[_Cell]) -> BoxItem:
        """Bordered cells, small label on top and the value below, packed four quarters a row;
        the last cell of a row takes what is left (as the paper's boxes do)."""
        rows: list[list[_Cell]] = [[]]
        used = 0
        for cell in cells:
            if used + cell.units > 4:
                rows.append([])
                used = 0
            rows[-1].append(cell)
            used += cell.units
        quarter = self.b.width / 4
        pad = 3.0
        laid: list[tuple[float, list[tuple[float, float, TextBlock, TextBlock, bool]]]] = []
        for row in rows:
            x = 0.0
            placed = []
            for n, cell in enumerate(row):
                w = self.b.width - x if n == len(row) - 1 else cell.units * quarter
                label = self.b.block(cell.label, "sv", CELL_LABEL, width=w - 2 * pad)
                value = self.b.value(cell.value, CELL_VALUE, width=w - 2 * pad)
                placed.append((x, w, label, value, cell.muted))
                x += w
            height = max(lab.height + val.height for _, _, lab, val, _ in placed) + 3 * pad
            laid.append((height, placed))

        def draw(canvas: Canvas, x: float, y_top: float, width: float) -> None:
            canvas.setLineWidth(0.6)
            canvas.setStrokeColorRGB(*BLACK)
            y = y_top
            for height, placed in laid:
                for cx, w, label, value, muted in placed:
                    canvas.rect(x + cx, y - height, w, height, stroke=1, fill=0)
                    canvas.setFillColorRGB(*GREY)
                    draw_block(canvas, label, x + cx + pad, y - pad)
                    canvas.setFillColorRGB(*(GREY if muted else BLACK))
                    draw_block(canvas, value, x + cx + pad, y - height + pad + value.height)
                    canvas.setFillColorRGB(*BLACK)
                y -= height

        return BoxItem(sum(h for h, _ in laid), draw, space_before=8)

    # questions ----------------------------------------------------------------------------------

    def _question(self, field: Field) -> list[Item]:
        asked = self.asked[field.name]
        value = self.values.get(field.name) if asked else None
        if not asked:
            item = self._beside(field, self._muted_slot())
        elif field.type == "yes-no":
            item = self._beside(field, self._inline_boxes(YES_NO.options, _codes(field, value)))
        elif field.type == "percent":
            item = self._beside(field, self._percent_slot(value))
        elif field.options is not None and self._fits_inline(field):
            # A short list runs on after its question, as the paper prints "Ange om arbetet
            # är ett: inte subventionerat arbete subventionerat arbete eget företag".
            item = self._beside(field, self._inline_boxes(field.options.options,
                                                          _codes(field, value)))
        elif field.options is not None:
            item = self._with_options(field, _codes(field, value))
        else:  # a type this layout does not know: label and the value as text
            item = self._beside(field, self._text_slot(str(value) if value is not None else "–"))
        items: list[Item] = [item]
        helps = list(field.help)
        if asked and _numbered(field) and field.options is not None:
            # The chosen reason's explanation, as the paper prints it beside the code.
            chosen = [field.options.get(c) for c in _codes(field, value)
                      if c in field.options.codes]
            helps = [f"{_option_text(o, True)}: {o.help}" for o in chosen if o.help] + helps
        for paragraph in helps:
            items.append(self.b.text(paragraph, "sv", HELP, space_before=3, color=GREY))
        if len(items) > 1:
            items[0] = _keep(items[0])
        return items

    def _fits_inline(self, field: Field) -> bool:
        assert field.options is not None
        if _numbered(field) or len(field.options.options) > 4:
            return False
        label = self._label(field, self.b.width)
        slot = self._inline_boxes(field.options.options, ())
        return len(label.lines) == 1 and (
            label.lines[0].width + SLOT_GAP + slot.width <= self.b.width)

    def _label(self, field: Field, width: float, muted: bool = False) -> TextBlock:
        return self.b.block(field.label, "sv", LABEL, bold=not muted, width=width)

    def _beside(self, field: Field, slot: _Slot) -> BoxItem:
        """The question, its answer (boxes, a field, "Ej aktuellt") right after its last line
        as on the paper ("… denna insats? ☐ Ja ☒ Nej"), or under it when the line is full.
        Inline also keeps question and answer on one line of the text layer."""
        muted = not self.asked[field.name]
        label = self._label(field, self.b.width, muted)
        last = label.lines[-1]
        inline = last.width + SLOT_GAP + slot.width <= self.b.width
        last_baseline = label.ascent + (len(label.lines) - 1) * label.leading
        if inline:
            slot_x, slot_baseline = last.width + SLOT_GAP, last_baseline
            height = max(label.height, last_baseline + slot.height - slot.ascent)
        else:
            slot_x, slot_baseline = 0.0, label.height + 3 + slot.ascent
            height = slot_baseline + slot.height - slot.ascent

        def draw(canvas: Canvas, x: float, y_top: float, width: float) -> None:
            canvas.setFillColorRGB(*(GREY if muted else BLACK))
            draw_block(canvas, label, x, y_top)
            canvas.setFillColorRGB(*BLACK)
            slot.draw(canvas, x + slot_x, y_top - slot_baseline)

        return BoxItem(height, draw, space_before=QUESTION_GAP)

    # Slots draw at (x, baseline): the baseline of the question line they follow.

    def _muted_slot(self) -> _Slot:
        return self._text_slot(NOT_ASKED, muted=True)

    def _text_slot(self, text: str, muted: bool = False) -> _Slot:
        block = self.b.value(text, LABEL, width=self.b.width / 2)

        def draw(canvas: Canvas, x: float, baseline: float) -> None:
            canvas.setFillColorRGB(*(GREY if muted else BLACK))
            draw_block(canvas, block, x, baseline + block.ascent)
            canvas.setFillColorRGB(*BLACK)

        return _Slot(max(line.width for line in block.lines), block.height, block.ascent, draw)

    def _inline_boxes(self, options: Sequence[Option], chosen: tuple[str, ...]) -> _Slot:
        # The question's size, so the text layer keeps "question ☐ Ja ☒ Nej" on one line.
        labels = [(self.b.block(o.label, "sv", LABEL, width=self.b.width / 2),
                   o.code in chosen) for o in options]
        font = self.box_font
        step = [BOX + BOX_GAP + block.lines[0].width + 6 for block, _ in labels]

        def draw(canvas: Canvas, x: float, baseline: float) -> None:
            cx = x
            for (block, checked), advance in zip(labels, step, strict=True):
                draw_checkbox(canvas, font, cx, baseline, BOX, checked, LABEL)
                draw_block(canvas, block, cx + BOX + BOX_GAP, baseline + block.ascent)
                cx += advance

        return _Slot(sum(step) - 6, max(b.height for b, _ in labels),
                     max(b.ascent for b, _ in labels), draw)

    def _percent_slot(self, value: object) -> _Slot:
        number = self.b.block("–" if value is None else str(value), "sv", LABEL, bold=True,
                              width=60)
        sign = self.b.block("%", "sv", LABEL, width=20)
        # A field just wide enough: pdftotext starts a new block at a gap of about one em, and
        # "arbetar: 50 %" should stay one line of the text layer.
        inner = number.lines[0].width
        field_w = inner + 8

        def draw(canvas: Canvas, x: float, baseline: float) -> None:
            canvas.setLineWidth(0.6)
            canvas.rect(x, baseline - 4, field_w, 14, stroke=1, fill=0)
            draw_block(canvas, number, x + 4, baseline + number.ascent)
            draw_block(canvas, sign, x + field_w + 3, baseline + sign.ascent)

        return _Slot(field_w + 3 + sign.lines[0].width, 14.0, 10.0, draw)

    def _with_options(self, field: Field, chosen: tuple[str, ...]) -> BoxItem:
        """The question, then every option with its box in columns: as many columns (3, 2, 1)
        as let every label stay on one line, filled column by column as the paper reads."""
        assert field.options is not None
        label = self._label(field, self.b.width)
        numbered = _numbered(field)
        texts = [(_option_text(o, numbered), o.code in chosen) for o in field.options.options]
        wide = [self.b.block(t, "sv", OPTION, width=10_000) for t, _ in texts]
        widest = max(block.lines[0].width for block in wide)
        columns = 1
        for n in (3, 2):
            if widest + BOX + BOX_GAP + COLUMN_GAP <= self.b.width / n:
                columns = n
                break
        col_w = self.b.width / columns
        blocks = [self.b.block(t, "sv", OPTION, width=col_w - BOX - BOX_GAP - COLUMN_GAP)
                  for t, _ in texts]
        per_column = -(-len(texts) // columns)
        row_h = max(block.height for block in blocks) + 3
        font = self.box_font
        top_gap = 4.0
        height = label.height + top_gap + per_column * row_h

        def draw(canvas: Canvas, x: float, y_top: float, width: float) -> None:
            y0 = draw_block(canvas, label, x, y_top) - top_gap
            for i, (block, (_, checked)) in enumerate(zip(blocks, texts, strict=True)):
                col, row = divmod(i, per_column)
                cx, cy = x + col * col_w, y0 - row * row_h
                baseline = cy - block.ascent
                draw_checkbox(canvas, font, cx, baseline, BOX, checked, OPTION)
                draw_block(canvas, block, cx + BOX + BOX_GAP, cy)

        return BoxItem(height, draw, space_before=QUESTION_GAP)


def _keep(item: Item) -> Item:
    """The same item, kept on the page of what follows it (a question with its help)."""
    if isinstance(item, BoxItem):
        return BoxItem(item.height, item.draw, item.space_before, keep_with_next=True)
    return item


def _details(b: Builder, definition: FormDefinition, context: Mapping[str, Any], *,
             document_id: str, forbund: str, insats: str, officer: str,
             created: datetime) -> list[Item]:
    """formapp's additions: who registered it, the insats period or registration it belongs
    to, and which document this is. Förbund and insats only when the form itself (its
    Samverkansorganisation/Insats cells) shows something else."""
    rows: list[tuple[str, str]] = []
    if context.get("samverkansorganisation", forbund) != forbund:
        rows.append(("Samordningsförbund", forbund))
    if context.get("insats", insats) != insats:
        rows.append(("Insats", insats))
    rows.append(("Deltagaransvarig", officer))
    for spec in definition.context.values():
        value = context.get(spec.name)
        if spec.label or value is None:
            continue  # labelled context is on the form itself
        label = CONTEXT_LABELS.get(spec.name, spec.name)
        rows.append((label, value.isoformat() if isinstance(value, date) else str(value)))
    rows += [
        ("Dokument-id", document_id),
        ("Skapat", local_text(created, zone=True)),  # Swedish time; the record keeps UTC
    ]
    heading = b.text("Registrerat i formapp", "sv", 8, bold=True, space_before=14,
                     color=GREY, keep_with_next=True)
    return [heading, *label_value_rows(b, rows, label_w=120, size=7.5, ruled=False,
                                       space_before=3)]
