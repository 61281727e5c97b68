"""Which characters of a text the PDFs can not print: the question every input check asks
before a name, a place or a text is kept for a sealed document.

A character prints when a configured font (``font_files.FONT_FILES``, regular and bold) has a glyph
for it, or when it is one of the few invisible characters the shaping needs and handles
without a glyph (joiners in Persian and Indic words, soft hyphen, zero-width space). Refused:

- control characters (C0, DEL, C1): no glyph; NUL can not even be stored in PostgreSQL;
- the bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) and every other
  invisible format character: they print nothing yet reorder or hide what does (U+202E shows
  "Anna" as "annA"), so a sealed document would not show what was typed. They are refused,
  not removed: removing would change a name without the person seeing it, and a refusal at
  the field shows that something invisible was there.

Language-free: the messages are made by the callers, in their user's language.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from formapp.config import font_dir_setting
from formapp.documents.font_files import coverage

BIDI_CONTROLS = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                           *range(0x2066, 0x206A)])
# Invisible characters with a job in ordinary text; the shaping handles them without a glyph.
_INVISIBLE_ALLOWED = frozenset([0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF])


def unprintable_characters(text: str) -> list[str]:
    """The characters of ``text`` the PDFs can not print, each once, in order of appearance."""
    return [char for char in dict.fromkeys(text) if not printable(char)]


def printable(char: str) -> bool:
    """Whether the PDFs print ``char``."""
    return _printable(char, font_dir_setting())


@lru_cache(maxsize=8192)
def _printable(char: str, font_dir: str | None) -> bool:
    # Process-wide, per character and font directory setting (its files' characters).
    codepoint = ord(char)
    if codepoint in _INVISIBLE_ALLOWED:
        return True
    if codepoint in BIDI_CONTROLS or is_invisible(char):
        return False
    # In some regular and some bold font (fonts.FontSet.first_with falls back through all).
    return coverage(font_dir).both(codepoint)


def is_invisible(char: str) -> bool:
    """A control or format character: shows nothing, so a message names it by code only."""
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") and \
        ord(char) not in _INVISIBLE_ALLOWED


def character_label(char: str) -> str:
    """How a message names ``char``: ``U+1F600 (😀)``, or ``U+202E`` for an invisible one
    (shown, it would reorder or hide the message itself)."""
    code = f"U+{ord(char):04X}"
    return code if is_invisible(char) or unicodedata.category(char)[0] == "M" else \
        f"{code} ({char})"
