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
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfgen.canvas import Canvas

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


def draw_block(canvas: Canvas, block: TextBlock, x: float, y_top: float) -> float:
    """Draw ``block`` with its top-left corner at (x, y_top); returns the y below its last line."""
    ops: list[str] = ["BT"]
    marks: list[tuple[ShapedRun, int, float, float]] = []
    baseline = y_top - block.ascent
    for line in block.lines:
        for placed in line.runs:
            _TextWriter(ops, marks, canvas, placed.run, block.size).write(
                block.text, x + line.offset + placed.x, baseline)
        baseline -= block.leading
    ops.append("ET")
    if len(ops) > 2:
        canvas._code.append(" ".join(ops))
    if marks:
        draw_marks(canvas, marks, block.size)
    return y_top - block.height


class _TextWriter:
    """Writes one run's glyphs as PDF text operators into ``ops``."""

    def __init__(self, ops: list[str], marks: list[tuple[ShapedRun, int, float, float]],
                 canvas: Canvas, run: ShapedRun, size: float) -> None:
        self.ops = ops
        self.marks = marks
        self.doc = canvas._doc
        self.run = run
        self.font = run.font.rl_font
        self.size = size
        self.k = size / run.font.units_per_em
        # Per document: (font, gid, text) -> (font resource, hex code, advance in text space).
        self.codes: dict[tuple[str, int, str], tuple[str, str, float]] = (
            canvas.__dict__.setdefault("_formapp_glyph_codes", {}))
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

    def _lookup(self, gid: int, text: str) -> tuple[str, str, float]:
        key = (self.font.fontName, gid, text)
        found = self.codes.get(key)
        if found is None:
            code = self.font.code_for(gid, text)
            ((subset, data),) = self.font.splitString(chr(code), self.doc)
            resource = self.font.getSubsetInternalName(subset, self.doc)
            found = (resource, data.hex(), self.font.width_of_code(code) / 1000)
            self.codes[key] = found
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
