"""Paragraph layout: mixed-script text -> lines of shaped, bidi-ordered runs with positions.

Steps, in the order UAX #9 and #14 ask for them:
1. a font per character (itemize), embedding levels for the paragraph (bidi, base direction
   from the locale);
2. the paragraph cut into runs of one level and one font, each shaped once with HarfBuzz in its
   own direction; greedy line breaking at the allowed opportunities (linebreak), falling back
   to grapheme clusters only for over-long words;
3. per line: trailing spaces dropped (L1), the runs cut to the line and put in visual order
   (L2); right-to-left paragraphs are right-aligned.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from formapp.documents import bidi
from formapp.documents.fonts import Font, FontSet
from formapp.documents.itemize import assign_fonts
from formapp.documents.linebreak import grapheme_boundaries, line_break_opportunities
from formapp.documents.shaping import ShapedRun, shape_run


class Align(Enum):
    START = "start"  # left in LTR, right in RTL
    CENTER = "center"
    END = "end"


@dataclass(frozen=True)
class TextStyle:
    size: float = 10.0
    bold: bool = False
    line_gap: float = 0.15  # extra leading, as a fraction of the size
    align: Align = Align.START


@dataclass(frozen=True)
class PlacedRun:
    """A shaped run and its left edge, in points from the line's left edge."""

    run: ShapedRun
    x: float


@dataclass(frozen=True)
class Line:
    runs: tuple[PlacedRun, ...]
    width: float
    offset: float  # left edge of the line within the block (alignment)
    start: int
    end: int


@dataclass(frozen=True)
class TextBlock:
    """A laid-out paragraph: lines ``leading`` apart, the first baseline ``ascent`` down."""

    text: str
    lines: tuple[Line, ...]
    size: float
    width: float
    ascent: float
    descent: float  # positive, below the last baseline
    leading: float
    rtl: bool
    locale: str | None

    @property
    def height(self) -> float:
        if not self.lines:
            return 0.0
        return self.ascent + (len(self.lines) - 1) * self.leading + self.descent


def layout_paragraph(text: str, width: float, style: TextStyle, fontset: FontSet, *,
                     rtl: bool = False, locale: str | None = None) -> TextBlock:
    """Lay ``text`` (one paragraph; '\\n' forces a line break) out in ``width`` points.

    Blocks are immutable and the consent texts are the same for every consent of a version,
    so layouts are kept per process (an LRU cache): a repeated paragraph costs nothing.
    """
    return _layout_cached(text, width, style, fontset, rtl, locale)


@lru_cache(maxsize=2048)
def _layout_cached(text: str, width: float, style: TextStyle, fontset: FontSet, rtl: bool,
                   locale: str | None) -> TextBlock:
    text = text.replace("\r\n", "\n")
    codepoints = [ord(c) for c in text]
    fonts = assign_fonts(text, fontset, style.bold, locale)
    levels = bidi.paragraph_levels(text, rtl)
    language = (locale or "").replace("_", "-") or None
    scale = style.size
    runs, advances = _shape_paragraph(text, codepoints, fonts, levels, scale, language, locale)

    lines: list[Line] = []
    for seg_start, seg_end in _hard_segments(text):
        for start, end in _break_lines(text, seg_start, seg_end, advances, width, locale):
            lines.append(_build_line(text, runs, start, end, rtl, width, style))
    used = set(fonts) or {fontset.get("latin", style.bold)}
    ascent = max(f.ascent for f in used) * style.size
    descent = -min(f.descent for f in used) * style.size
    leading = ascent + descent + style.line_gap * style.size
    return TextBlock(text, tuple(lines), style.size, width, ascent, descent, leading, rtl, locale)


def _runs(fonts: list[Font], levels: list[int], start: int, end: int,
          ) -> list[tuple[int, int]]:
    """Maximal ranges of one font and one level."""
    result = []
    i = start
    while i < end:
        j = i + 1
        while j < end and fonts[j] is fonts[i] and levels[j] == levels[i]:
            j += 1
        result.append((i, j))
        i = j
    return result


def _shape_paragraph(text: str, codepoints: list[int], fonts: list[Font], levels: list[int],
                     size: float, language: str | None, locale: str | None,
                     ) -> tuple[list[ShapedRun], list[float]]:
    """Shape each (font, level) run of the paragraph once; the advance of each character in
    points (a cluster's width sits on its first character)."""
    advances = [0.0] * len(text)
    runs = []
    for start, end in _runs(fonts, levels, 0, len(text)):
        if text[start] == "\n":
            continue
        run = shape_run(fonts[start], codepoints, start, end, levels[start],
                        language, locale)
        runs.append(run)
        k = size / run.font.units_per_em
        for glyph in run.glyphs:
            advances[glyph.cluster] += glyph.x_advance * k
    return runs, advances


def _hard_segments(text: str) -> list[tuple[int, int]]:
    segments = []
    start = 0
    for i, char in enumerate(text):
        if char == "\n":
            segments.append((start, i))
            start = i + 1
    segments.append((start, len(text)))
    return segments


def _visible_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] == "\u200b"):
        end -= 1
    return end


def _break_lines(text: str, start: int, end: int, advances: list[float], width: float,
                 locale: str | None) -> list[tuple[int, int]]:
    """Greedy line breaking of text[start:end]; every line has at least one cluster."""
    if start == end:
        return [(start, end)]
    segment = text[start:end]
    opportunities = [start + b for b in line_break_opportunities(segment, locale)] + [end]
    lines = []
    line_start = start
    tolerance = 0.01
    while line_start < end:
        best = None
        for b in opportunities:
            if b <= line_start:
                continue
            visible = _visible_end(text, line_start, b)
            if sum(advances[line_start:visible]) <= width + tolerance:
                best = b
            else:
                break
        if best is None:
            best = _emergency_break(text, line_start, opportunities, advances, width, locale)
        lines.append((line_start, best))
        line_start = best
    return lines


def _emergency_break(text: str, start: int, opportunities: list[int], advances: list[float],
                     width: float, locale: str | None) -> int:
    """A word wider than the line: break between grapheme clusters, never inside one."""
    word_end = next(b for b in opportunities if b > start)
    boundaries = [start + b for b in grapheme_boundaries(text[start:word_end], locale)]
    best = None
    for b in boundaries:
        if b <= start:
            continue
        if best is not None and sum(advances[start:b]) > width:
            break
        best = b
    return best if best is not None else word_end


def _build_line(text: str, runs: list[ShapedRun], start: int, end: int, rtl: bool,
                width: float, style: TextStyle) -> Line:
    """Cut the paragraph's shaped runs to the line and put them in visual order (UAX #9 L2).

    Lines break only between clusters and trailing whitespace is not drawn (so rule L1 changes
    nothing drawn), so the paragraph's glyphs can be reused: no second shaping per line.
    """
    visible = _visible_end(text, start, end)
    pieces: list[ShapedRun] = []
    for run in runs:
        a, b = max(run.start, start), min(run.end, visible)
        if a >= b:
            continue
        if a == run.start and b == run.end:
            pieces.append(run)
        else:
            glyphs = tuple(g for g in run.glyphs if a <= g.cluster < b)
            pieces.append(ShapedRun(run.font, a, b, run.rtl, glyphs, run.level))
    order = bidi.visual_order([p.level for p in pieces])
    placed = []
    x = 0.0
    for index in order:
        run = pieces[index]
        placed.append(PlacedRun(run, x))
        x += run.advance * style.size / run.font.units_per_em
    line_width = x
    if style.align is Align.CENTER:
        offset = (width - line_width) / 2
    elif (style.align is Align.START) == rtl:
        offset = width - line_width
    else:
        offset = 0.0
    return Line(tuple(placed), line_width, offset, start, end)
