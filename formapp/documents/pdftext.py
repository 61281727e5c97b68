"""Draw laid-out text on a ReportLab canvas as positioned glyphs.

Each glyph is shown through its font's subset code (``GlyphTTFont.code_for``), so ReportLab
embeds and subsets the font, and the ToUnicode CMap maps a glyph back to the characters of its
cluster (an Arabic joining form to its letter, a ligature to its letters).

A cluster drawn with several glyphs (a Thai consonant with stacked marks, an Arabic letter with
harakat) is shown as one text glyph that carries the whole cluster's text, its other glyphs
(the marks) as filled outlines. Drawn as text, a raised mark lands on a line of its own in
extractors, and an ActualText span comes out reversed in right-to-left lines (poppler); this
way the cluster extracts whole, in logical order, on the line's baseline.
Positions are HarfBuzz's: the PDF's own advance is corrected with TJ adjustments.

The consent texts are the same for every consent of a version, and so is what draws them: a
block's operators are kept per (block, position), with the font codes they used. Drawn again
in a new document, the block first asks its fonts for the same glyphs in the same order (which
puts them into that document's subsets, as drawing would); only when every code comes out as
before are the kept operators used, otherwise the block is drawn afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfgen.canvas import Canvas

from formapp.documents import _reportlab_internals as rl
from formapp.documents.glyphfont import GlyphTTFont
from formapp.documents.outlines import draw_marks
from formapp.documents.shaping import ShapedRun
from formapp.documents.textlayout import TextBlock


@dataclass(frozen=True, slots=True)
class GlyphUnit:
    """Consecutive glyphs (visual order) of one cluster and the text they stand for."""

    indexes: tuple[int, ...]
    text: str


def _fmt(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# Process-wide: a pure function of the shaped run and its text.
@lru_cache(maxsize=8192)
def glyph_units(run: ShapedRun, text: str) -> tuple[GlyphUnit, ...]:
    """Group a run's glyphs by cluster; each cluster's text runs to the next cluster's start."""
    starts = sorted({g.cluster for g in run.glyphs})
    next_start = {c: (starts[i + 1] if i + 1 < len(starts) else run.end)
                  for i, c in enumerate(starts)}
    units: list[GlyphUnit] = []
    current: list[int] = []
    for i, glyph in enumerate(run.glyphs):
        if current and run.glyphs[current[0]].cluster != glyph.cluster:
            cluster = run.glyphs[current[0]].cluster
            units.append(GlyphUnit(tuple(current), text[cluster:next_start[cluster]]))
            current = []
        current.append(i)
    if current:
        cluster = run.glyphs[current[0]].cluster
        units.append(GlyphUnit(tuple(current), text[cluster:next_start[cluster]]))
    return tuple(units)


GlyphKey = tuple[str, int, str]  # (font name, glyph id, text)
Code = tuple[str, str, float]  # (font resource, hex code, advance in text space)


@dataclass(frozen=True, slots=True)
class _Drawn:
    """What drawing a block produced, and the font codes it depended on."""

    block: TextBlock  # held, so the id in the cache key is never reused by another block
    fonts: tuple[GlyphTTFont, ...]  # per glyph key
    keys: tuple[GlyphKey, ...]  # first-use order
    codes: tuple[Code, ...]
    code: str  # the operators, "" when the block draws nothing
    marks: tuple[tuple[ShapedRun, int, float, float], ...]


_DRAWN: dict[tuple[int, float, float], _Drawn] = {}
_DRAWN_MAX = 4096


def draw_block(canvas: Canvas, block: TextBlock, x: float, y_top: float) -> float:
    """Draw ``block`` with its top-left corner at (x, y_top); returns the y below its last line."""
    key = (id(block), x, y_top)
    drawn = _DRAWN.get(key)
    if drawn is None or drawn.block is not block or not _same_codes(canvas, drawn):
        drawn = _draw(canvas, block, x, y_top)
        if len(_DRAWN) >= _DRAWN_MAX:
            _DRAWN.clear()
        _DRAWN[key] = drawn
    if drawn.code:
        rl.append_operators(canvas, drawn.code)
    if drawn.marks:
        draw_marks(canvas, list(drawn.marks), block.size)
    return y_top - block.height


def _same_codes(canvas: Canvas, drawn: _Drawn) -> bool:
    """Put the block's glyphs into this document's subsets in the order drawing would, and
    say whether each gets the code it had when the block was drawn."""
    codes = _document_codes(canvas)
    for font, key, expected in zip(drawn.fonts, drawn.keys, drawn.codes, strict=True):
        if _code(codes, font, rl.document_of(canvas), key) != expected:
            return False
    return True


def _draw(canvas: Canvas, block: TextBlock, x: float, y_top: float) -> _Drawn:
    ops: list[str] = ["BT"]
    marks: list[tuple[ShapedRun, int, float, float]] = []
    used: dict[GlyphKey, tuple[GlyphTTFont, Code]] = {}
    baseline = y_top - block.ascent
    for line in block.lines:
        for placed in line.runs:
            _TextWriter(ops, marks, canvas, placed.run, block.size, used).write(
                block.text, x + line.offset + placed.x, baseline)
        baseline -= block.leading
    ops.append("ET")
    return _Drawn(block, tuple(f for f, _ in used.values()), tuple(used),
                  tuple(c for _, c in used.values()), " ".join(ops) if len(ops) > 2 else "",
                  tuple(marks))


def _document_codes(canvas: Canvas) -> dict[GlyphKey, Code]:
    """Per document: glyph -> the code that draws it there."""
    return rl.canvas_cache(canvas, "_formapp_glyph_codes")


def _code(codes: dict[GlyphKey, Code], font: GlyphTTFont, doc: object, key: GlyphKey) -> Code:
    found = codes.get(key)
    if found is None:
        code = font.code_for(key[1], key[2])
        ((subset, data),) = font.splitString(chr(code), doc)
        resource = font.getSubsetInternalName(subset, doc)
        found = (resource, data.hex(), font.width_of_code(code) / 1000)
        codes[key] = found
    return found


class _TextWriter:
    """Writes one run's glyphs as PDF text operators into ``ops``."""

    def __init__(self, ops: list[str], marks: list[tuple[ShapedRun, int, float, float]],
                 canvas: Canvas, run: ShapedRun, size: float,
                 used: dict[GlyphKey, tuple[GlyphTTFont, Code]]) -> None:
        self.ops = ops
        self.marks = marks
        self.doc = rl.document_of(canvas)
        self.run = run
        self.font = run.font.rl_font
        self.size = size
        self.k = size / run.font.units_per_em
        self.codes = _document_codes(canvas)
        self.used = used  # the block's glyphs, in first-use order
        self.resource: str | None = None
        self.position: tuple[float, float] | None = None  # the PDF's text position now
        self.pending: list[str] = []  # TJ array items

    def write(self, text: str, x: float, y: float) -> None:
        pen = x
        glyphs = self.run.glyphs
        for unit in glyph_units(self.run, text):
            if len(unit.indexes) == 1:
                glyph = glyphs[unit.indexes[0]]
                self._glyph(glyph.gid, unit.text, pen + glyph.x_offset * self.k,
                            y + glyph.y_offset * self.k)
                pen += glyph.x_advance * self.k
                continue
            # The logically first glyph carries the text (in RTL runs: the last one drawn).
            carrier = unit.indexes[-1] if self.run.rtl else unit.indexes[0]
            for i in unit.indexes:
                glyph = glyphs[i]
                gx, gy = pen + glyph.x_offset * self.k, y + glyph.y_offset * self.k
                if i == carrier:
                    self._glyph(glyph.gid, unit.text, gx, gy)
                else:
                    self.marks.append((self.run, glyph.gid, gx, gy))
                pen += glyph.x_advance * self.k
        self._flush()

    def _lookup(self, gid: int, text: str) -> Code:
        key = (self.font.fontName, gid, text)
        found = _code(self.codes, self.font, self.doc, key)
        if key not in self.used:
            self.used[key] = (self.font, found)
        return found

    def _glyph(self, gid: int, text: str, gx: float, gy: float) -> None:
        resource, hexcode, advance = self._lookup(gid, text)
        if resource != self.resource:
            self._flush()
            self.ops.append(f"{resource} {_fmt(self.size)} Tf")
            self.resource = resource
        if self.position is None or abs(self.position[1] - gy) > 1e-6:
            self._flush()
            self.ops.append(f"1 0 0 1 {_fmt(gx)} {_fmt(gy)} Tm")
        else:
            gap = gx - self.position[0]
            if abs(gap) > 1e-4:
                self.pending.append(_fmt(-gap * 1000 / self.size))
        self.pending.append(f"<{hexcode}>")
        self.position = (gx + advance * self.size, gy)

    def _flush(self) -> None:
        if self.pending:
            self.ops.append(f"[{' '.join(self.pending)}] TJ")
            self.pending.clear()
