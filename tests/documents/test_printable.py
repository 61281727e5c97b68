"""What the PDFs can print: the check behind every free-text field (issue 15, point 7)."""

from __future__ import annotations

import dataclasses

import pytest

from formapp.definitions.consent_texts import verify_builtin
from formapp.documents.consent_pdf import render_consent_pdf
from formapp.documents.errors import MissingGlyphError
from formapp.documents.printable import (
    BIDI_CONTROLS,
    character_label,
    unprintable_characters,
)
from formapp.tooling.sample_consent import sample_document


@pytest.mark.parametrize("text, found", [
    ("Umeå", []), ("Anna-Lena O’Brien", []), ("محمد", []), ("ሰላም", []), ("สมชาย", []),
    ("می\u200cخواهم", []),  # the zero-width non-joiner of Persian words prints
    ("漢字", ["漢", "字"]), ("Anna 😀😀", ["😀"]), ("a\x00b\x07", ["\x00", "\x07"]),
    ("a\tb\nc", ["\t", "\n"]),  # callers judge text as kept: blanks already one space
    ("\u202eAnna", ["\u202e"]), ("\u2067x\u2069", ["\u2067", "\u2069"]),
])
def test_unprintable_characters(text: str, found: list[str]) -> None:
    assert unprintable_characters(text) == found


def test_every_bidi_control_is_refused() -> None:
    controls = "".join(chr(cp) for cp in sorted(BIDI_CONTROLS))
    assert len(controls) == 12
    assert unprintable_characters(controls) == list(controls)


def test_a_character_is_named_by_code_and_shown_only_when_visible() -> None:
    assert character_label("😀") == "U+1F600 (😀)"
    assert character_label("\u202e") == "U+202E"
    assert character_label("\x00") == "U+0000"


def test_every_built_in_text_prints() -> None:
    for text in verify_builtin():
        parts = [text.title, text.language_name, text.declaration_heading,
                 text.declaration_text, *dataclasses.asdict(text.labels).values()]
        for section in text.sections:
            parts += [section.heading, *section.paragraphs]
        assert not [c for part in parts for c in unprintable_characters(part)], text.locale


def test_what_the_check_lets_through_renders() -> None:
    """The check and the renderer agree: a name it accepts renders, one it refuses does not."""
    accepted = "Åsa محمد ሰላም สมชาย Олена"
    assert not unprintable_characters(accepted)
    render_consent_pdf(sample_document("sv", name=accepted))
    with pytest.raises(MissingGlyphError):
        render_consent_pdf(sample_document("sv", name="Anna 漢"))
