"""Thai line breaking and shaping; characters no font has; the font configuration."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from formapp.documents import linebreak
from formapp.documents.errors import FontConfigError, MissingGlyphError
from formapp.documents.font_files import check_fonts
from formapp.documents.fonts import FontSet
from formapp.documents.shaping import shape_run
from formapp.documents.textlayout import TextStyle, layout_paragraph

# A Thai sentence and its words (no spaces between them, as Thai is written).
# Compounds (เกี่ยว|กับ, เลี้ยง|ชีพ, เข้า|ร่วม) are two words: a line may break between them.
THAI_WORDS = ["ข้อมูล", "ที่", "เรา", "ต้องการ", "คือ", "ข้อมูล", "เกี่ยว", "กับ", "วิธี", "ที่",
              "คุณ", "เลี้ยง", "ชีพ", "และ", "ทำงาน", "ก่อน", "และ", "หลัง", "การ", "เข้า", "ร่วม"]
THAI = "".join(THAI_WORDS)


def _word_boundaries() -> set[int]:
    bounds, at = set(), 0
    for word in THAI_WORDS:
        at += len(word)
        bounds.add(at)
    return bounds


def _never_starts_a_line(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Mc") or char in "\u0e33\u0e45"


@pytest.mark.parametrize("width", [60, 90, 130, 200])
def test_thai_breaks_between_clusters_only(fonts: FontSet, width: float) -> None:
    block = layout_paragraph(THAI, width, TextStyle(size=10), fonts, locale="th")
    starts = [line.start for line in block.lines[1:]]
    assert len(block.lines) > 1
    for start in starts:
        # Never a mark (stacked vowel or tone) at the start of a line: no cluster split.
        assert not _never_starts_a_line(THAI[start]), (start, THAI[start])
    graphemes = set(linebreak.grapheme_boundaries(THAI, "th"))
    assert set(starts) <= graphemes


@pytest.mark.parametrize("width", [60, 90, 130, 200])
def test_thai_breaks_between_words(fonts: FontSet, width: float) -> None:
    block = layout_paragraph(THAI, width, TextStyle(size=10), fonts, locale="th")
    starts = {line.start for line in block.lines[1:]}
    assert starts
    assert starts <= _word_boundaries(), sorted(starts - _word_boundaries())
    for line in block.lines:
        assert line.width <= width + 0.01


def test_thai_marks_are_shaped(fonts: FontSet) -> None:
    """The tone mark over an upper vowel is a raised variant glyph: shaping is on."""
    font = fonts.get("thai")
    stacked = "ที่"
    run = shape_run(font, [ord(c) for c in stacked], 0, len(stacked), 0, "th")
    tone = run.glyphs[-1]
    assert tone.x_advance == 0  # a mark takes no room of its own
    assert tone.gid != font.cmap[ord("่")]  # not the plain glyph: moved above the vowel


def test_missing_glyph_is_refused_with_the_characters_and_locale(fonts: FontSet) -> None:
    with pytest.raises(MissingGlyphError) as caught:
        layout_paragraph("Samtycke 漢字 ✔", 300, TextStyle(), fonts, locale="sv")
    message = str(caught.value)
    assert "U+6F22" in message and "U+5B57" in message and "'sv'" in message
    assert caught.value.locale == "sv"


def test_invisible_format_characters_need_no_glyph(fonts: FontSet) -> None:
    # ZWNJ is in every Persian text; ZWSP marks Thai word boundaries; RLM is a bidi mark.
    block = layout_paragraph("می\u200cخواهیم\u200f ข้อมูล\u200bที่", 300, TextStyle(), fonts,
                             rtl=True, locale="fa")
    assert block.lines


def test_missing_font_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "NotoSans-Regular.ttf").write_bytes(b"")
    with pytest.raises(FontConfigError) as caught:
        check_fonts(tmp_path)
    message = str(caught.value)
    assert "NotoNaskhArabic-Regular.ttf" in message and "FORMAPP_FONT_DIR" in message


def test_default_font_dir_is_complete() -> None:
    check_fonts()
