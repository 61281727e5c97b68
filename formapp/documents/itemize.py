"""Which font draws each character: by script, with neutrals following their neighbours.

Letters pick the font of their script. Spaces, punctuation, digits and marks belong to no script
of their own: they take the font of the text around them (so Arabic words and the spaces between
them shape as one run), and fall back to the first font that has them (Arabic Noto fonts have no
brackets; NotoSans draws them). Characters no font has are reported, never drawn as boxes.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from formapp.documents.errors import MissingGlyphError
from formapp.documents.fonts import Font, FontSet

# Unicode blocks of the scripts formapp draws with a font of their own.
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x0870, 0x08FF, "arabic"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0x0E00, 0x0E7F, "thai"),
    (0x1200, 0x139F, "ethiopic"),
    (0x2D80, 0x2DDF, "ethiopic"),
    (0xAB00, 0xAB2F, "ethiopic"),
)
# Characters HarfBuzz handles without a glyph of their own (joiners, bidi marks, ZWSP, SHY).
_INVISIBLE = frozenset([0x00AD, 0x034F, 0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F,
                        0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060, 0x2066, 0x2067,
                        0x2068, 0x2069, 0xFEFF])


# Process-wide: a pure function of the character.
@lru_cache(maxsize=4096)
def script_role(char: str) -> str | None:
    """The font role of a letter of a script with its own font; None for neutrals."""
    cp = ord(char)
    for lo, hi, role in _SCRIPT_RANGES:
        if lo <= cp <= hi:
            return role  # Arabic-block digits and punctuation too
    category = unicodedata.category(char)
    if category[0] == "L":
        return "latin"
    return None


def is_invisible(char: str) -> bool:
    return ord(char) in _INVISIBLE or unicodedata.category(char) == "Cf"


def assign_fonts(text: str, fontset: FontSet, bold: bool = False,
                 locale: str | None = None, default_role: str = "latin") -> list[Font]:
    """The font of every character of ``text``; raises MissingGlyphError if any has none."""
    roles = _roles(text, default_role)
    fonts: list[Font] = []
    missing: list[str] = []
    previous: Font | None = None
    for char, role in zip(text, roles, strict=True):
        cp = ord(char)
        if previous is not None and unicodedata.category(char)[0] == "M":
            # A mark must shape with its base letter.
            fonts.append(previous)
            continue
        chosen = fontset.first_with(cp, role, bold)
        if chosen is None:
            if not is_invisible(char):
                missing.append(char)
            chosen = previous or fontset.get(role, bold)
        fonts.append(chosen)
        previous = chosen
    if missing:
        raise MissingGlyphError(sorted(set(missing)), locale)
    return fonts


def _roles(text: str, default_role: str) -> list[str]:
    """Each character's script role; neutrals take the previous letter's, else the next's."""
    own = [script_role(c) for c in text]
    roles: list[str] = []
    last: str | None = None
    for role in own:
        if role is not None:
            last = role
        roles.append(last or "")
    # Leading neutrals take the first letter's role.
    first = next((r for r in own if r is not None), default_role)
    return [r or first for r in roles]
