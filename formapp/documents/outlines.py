"""Glyphs as filled outlines: for decoration that must look like text but must not be extracted
(the sample watermark), and for the marks of multi-glyph clusters (see pdftext)."""

from __future__ import annotations

from fontTools.pens.basePen import BasePen
from reportlab.pdfgen.canvas import Canvas

from formapp.documents import _reportlab_internals as rl
from formapp.documents.fonts import Font
from formapp.documents.textlayout import TextBlock


class _PathPen(BasePen):
    """fontTools pen -> ReportLab path, mapping font units to page points."""

    def __init__(self, path, scale: float, x: float, y: float) -> None:
        super().__init__(None)
        self.path, self.scale, self.x, self.y = path, scale, x, y

    def _p(self, point: tuple[float, float]) -> tuple[float, float]:
        return self.x + point[0] * self.scale, self.y + point[1] * self.scale

    def _moveTo(self, pt):
        self.path.moveTo(*self._p(pt))

    def _lineTo(self, pt):
        self.path.lineTo(*self._p(pt))

    def _curveToOne(self, pt1, pt2, pt3):
        self.path.curveTo(*self._p(pt1), *self._p(pt2), *self._p(pt3))

    def _qCurveToOne(self, pt1, pt2):
        # A quadratic Bézier as the equivalent cubic.
        x0, y0 = self._getCurrentPoint()
        c1 = (x0 + 2 / 3 * (pt1[0] - x0), y0 + 2 / 3 * (pt1[1] - y0))
        c2 = (pt2[0] + 2 / 3 * (pt1[0] - pt2[0]), pt2[1] + 2 / 3 * (pt1[1] - pt2[1]))
        self.path.curveTo(*self._p(c1), *self._p(c2), *self._p(pt2))

    def _closePath(self):
        self.path.close()


def add_glyph_outline(path, font: Font, gid: int, size: float, x: float,
                      y: float) -> None:
    """Add glyph ``gid`` of ``font`` at ``size`` with its origin at (x, y) to a ReportLab path."""
    font.hb_font.draw_glyph_with_pen(gid, _PathPen(path, size / font.units_per_em, x, y))


def draw_marks(canvas: Canvas, marks: list, size: float) -> None:
    """Fill glyph outlines at (x, y): each glyph is a form XObject made once per document (in
    font units), placed with a scaling matrix; it takes the current fill colour."""
    forms = rl.canvas_cache(canvas, "_formapp_glyph_forms")
    ops = []
    for run, gid, x, y in marks:
        font = run.font
        key = (font.name, gid)
        name = forms.get(key)
        if name is None:
            name = forms[key] = f"formapp_glyph_{len(forms)}"
            _define_glyph_form(canvas, name, font, gid)
        k = size / font.units_per_em
        ops.append(f"q {k:.5f} 0 0 {k:.5f} {x:.3f} {y:.3f} cm /{rl.use_form(canvas, name)} Do Q")
    rl.append_operators(canvas, " ".join(ops))


def _define_glyph_form(canvas: Canvas, name: str, font: Font, gid: int) -> None:
    em = font.units_per_em
    canvas.beginForm(name, -2 * em, -2 * em, 4 * em, 4 * em)
    path = canvas.beginPath()
    add_glyph_outline(path, font, gid, em, 0.0, 0.0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.endForm()


def fill_block_outlines(canvas: Canvas, block: TextBlock, x: float, y_top: float) -> None:
    """Fill the glyph outlines of ``block`` in the current fill colour."""
    path = canvas.beginPath()
    baseline = y_top - block.ascent
    for line in block.lines:
        for placed in line.runs:
            run = placed.run
            k = block.size / run.font.units_per_em
            pen_x = x + line.offset + placed.x
            for glyph in run.glyphs:
                pen = _PathPen(path, k, pen_x + glyph.x_offset * k, baseline + glyph.y_offset * k)
                run.font.hb_font.draw_glyph_with_pen(glyph.gid, pen)
                pen_x += glyph.x_advance * k
        baseline -= block.leading
    canvas.drawPath(path, stroke=0, fill=1)
