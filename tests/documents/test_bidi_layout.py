"""Right-to-left lines: word order, digits and Latin kept left to right, brackets mirrored.

Each check would fail on a known bug of DESIGN.md §7: ReportLab's paragraphs (words left to
right), a naive reversal of the line (digits and "FK 9443" reversed), python-bidi's Rust
get_display (no mirrored brackets).
"""

from __future__ import annotations

import pytest

from formapp.documents.bidi import paragraph_levels, visual_order
from formapp.documents.fonts import FontSet
from formapp.documents.textlayout import TextBlock, TextStyle, layout_paragraph

ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
# (locale, first word, a word after the number, digits of that locale)
LINES = [
    ("ar", "النموذج", "رقم", ARABIC_INDIC),
    ("fa", "فرم", "شماره", PERSIAN),
    ("fa_AF", "فورم", "شماره", PERSIAN),
    ("ckb", "فۆرمی", "ژمارە", ARABIC_INDIC),
]


def _line_text(first: str, word: str, digits: str) -> tuple[str, str]:
    number = digits[1] + digits[9] + digits[4] + digits[3]  # "1943" in the locale's digits
    return f"{first} FK 9443 {word} {number} (SUS) [{word}]", number


def _layout(fonts: FontSet, text: str, locale: str) -> TextBlock:
    return layout_paragraph(text, 2000, TextStyle(size=10), fonts, rtl=True, locale=locale)


def _glyph_x(block: TextBlock) -> dict[int, float]:
    """Left edge of the glyphs of each cluster start, in points from the block's left edge."""
    line = block.lines[0]
    result: dict[int, float] = {}
    for placed in line.runs:
        k = block.size / placed.run.font.units_per_em
        x = line.offset + placed.x
        for glyph in placed.run.glyphs:
            result.setdefault(glyph.cluster, x)
            x += glyph.x_advance * k
    return result


def test_levels_of_mixed_line() -> None:
    text = "فرم FK 9443 شماره ۱۹۴۳"
    levels = paragraph_levels(text, rtl=True)
    assert levels[0] == 1  # Arabic letters: right to left
    assert {levels[i] for i in range(4, 11)} == {2}  # "FK 9443": left to right inside RTL
    assert {levels[i] for i in range(len(text) - 4, len(text))} == {2}  # Persian digits


def test_visual_order_reverses_rtl_runs_only() -> None:
    # runs: RTL word, LTR latin, RTL word  -> shown right to left, the LTR run intact
    assert visual_order([1, 2, 1]) == [2, 1, 0]
    assert visual_order([0, 1, 1, 0]) == [0, 2, 1, 3]


@pytest.mark.parametrize(("locale", "first", "word", "digits"), LINES)
def test_rtl_line_order(fonts: FontSet, locale: str, first: str, word: str,
                        digits: str) -> None:
    text, number = _line_text(first, word, digits)
    block = _layout(fonts, text, locale)
    assert len(block.lines) == 1
    x = _glyph_x(block)
    line = block.lines[0]

    # The first word is at the right edge of the line, the line at the right edge of the block.
    first_run = next(p for p in line.runs if p.run.start == 0)
    k = block.size / first_run.run.font.units_per_em
    assert first_run.x + first_run.run.advance * k == pytest.approx(line.width)
    assert line.offset + line.width == pytest.approx(block.width)
    assert x[0] > x[text.index("FK")] > x[text.index(word)]

    # "FK 9443" reads left to right, F before K before 9 … 3.
    fk = text.index("FK 9443")
    positions = [x[fk + i] for i in (0, 1, 3, 4, 5, 6)]
    assert positions == sorted(positions)

    # The locale's digits keep their order: 1 9 4 3 from left to right.
    n = text.index(number)
    digit_positions = [x[n + i] for i in range(4)]
    assert digit_positions == sorted(digit_positions)
    # … and the number sits left of the word before it (right-to-left word order).
    assert x[n] < x[text.index(word)]


@pytest.mark.parametrize(("locale", "first", "word", "digits"), LINES)
def test_brackets_mirrored(fonts: FontSet, locale: str, first: str, word: str,
                           digits: str) -> None:
    text, _ = _line_text(first, word, digits)
    block = _layout(fonts, text, locale)
    glyphs = {g.cluster: (placed.run, g) for placed in block.lines[0].runs
              for g in placed.run.glyphs}
    for opening, closing in ("()", "[]"):
        open_at, close_at = text.rindex(opening), text.rindex(closing)
        run, open_glyph = glyphs[open_at]
        _, close_glyph = glyphs[close_at]
        cmap = run.font.cmap
        # In a right-to-left run the opening bracket is drawn with the closing bracket's glyph,
        # so "(SUS)" still looks like "(SUS)" with the opening one on the right.
        assert open_glyph.gid == cmap[ord(closing)]
        assert close_glyph.gid == cmap[ord(opening)]
    x = _glyph_x(block)
    assert x[text.rindex("(")] > x[text.rindex(")")]


def test_ltr_paragraph_keeps_arabic_word_rtl(fonts: FontSet) -> None:
    text = "Dokument på arabiska: نموذج الموافقة slut"
    block = layout_paragraph(text, 2000, TextStyle(), fonts, rtl=False, locale="sv")
    x = _glyph_x(block)
    start = text.index("نموذج")
    second = text.index("الموافقة")
    assert x[0] < x[start] and x[second] < x[start]  # Arabic words right to left inside LTR
    assert x[text.index("slut")] > x[start]
