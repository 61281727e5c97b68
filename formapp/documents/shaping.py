"""Shape one directional run of one font with HarfBuzz.

The whole paragraph is handed to HarfBuzz as context (item offset/length), so letters at a run
edge still join correctly. Right-to-left runs come back in visual order with brackets mirrored
(HarfBuzz applies Bidi_Mirroring_Glyph to RTL buffers: UAX #9 rule L4).
"""

from __future__ import annotations

from dataclasses import dataclass

import uharfbuzz as hb

from formapp.documents.errors import MissingGlyphError
from formapp.documents.fonts import Font

_FEATURES = {"kern": True, "liga": True}


@dataclass(frozen=True, slots=True)
class Glyph:
    """A glyph in font units; ``cluster`` is the index of its first character in the paragraph."""

    gid: int
    cluster: int
    x_advance: int
    x_offset: int
    y_offset: int


@dataclass(frozen=True, slots=True, eq=False)  # identity: cheap to hash as a cache key
class ShapedRun:
    """Glyphs of text[start:end] in visual (left-to-right) order, one font, one direction."""

    font: Font
    start: int
    end: int
    rtl: bool
    glyphs: tuple[Glyph, ...]
    level: int = 0  # bidi embedding level, for ordering runs on a line

    @property
    def advance(self) -> int:
        return sum(g.x_advance for g in self.glyphs)


def shape_run(font: Font, codepoints: list[int], start: int, end: int, level: int,
              language: str | None = None, locale: str | None = None) -> ShapedRun:
    """Shape codepoints[start:end] at bidi ``level`` (odd: right to left)."""
    rtl = level % 2 == 1
    buf = hb.Buffer()
    buf.add_codepoints(codepoints, start, end - start)
    # A cluster is a grapheme (base + marks): the unit that is never split and extracts as one.
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_GRAPHEMES
    buf.direction = "rtl" if rtl else "ltr"
    if language:
        buf.language = language
    buf.guess_segment_properties()  # script; direction and language are already set
    hb.shape(font.hb_font, buf, _FEATURES)
    glyphs = tuple(
        Glyph(info.codepoint, info.cluster, pos.x_advance, pos.x_offset, pos.y_offset)
        for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True)
    )
    notdef = [chr(codepoints[g.cluster]) for g in glyphs if g.gid == 0]
    if notdef:
        raise MissingGlyphError(sorted(set(notdef)), locale)
    return ShapedRun(font, start, end, rtl, glyphs, level)
