"""Errors of the document layer; each message says what to fix."""

from __future__ import annotations

import unicodedata


class DocumentError(Exception):
    """Base class: a document could not be produced."""


class FontConfigError(DocumentError):
    """A font formapp needs is not where the configuration says (FORMAPP_FONT_DIR)."""


class MissingGlyphError(DocumentError):
    """Text holds characters no configured font can draw; never rendered as empty boxes."""

    def __init__(self, chars: list[str], locale: str | None) -> None:
        self.chars = chars
        self.locale = locale
        names = ", ".join(_describe(c) for c in chars)
        where = f" in locale {locale!r}" if locale else ""
        super().__init__(f"no configured font has a glyph for {names}{where}")


class UnknownLocaleError(DocumentError):
    """A locale id that neither CLDR nor formapp knows."""


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, '<unnamed>')} ({char!r})"
