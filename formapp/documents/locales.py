"""Locale facts the layout needs, from CLDR (Babel): adding a language is a data-only change."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from babel.core import UnknownLocaleError as _BabelUnknownLocale

from formapp.documents.errors import UnknownLocaleError


# Process-wide: a pure function of the id (Babel's CLDR data).
@lru_cache(maxsize=64)
def _parse(locale: str) -> Locale:
    try:
        return Locale.parse(locale)
    except (_BabelUnknownLocale, ValueError, TypeError) as exc:
        raise UnknownLocaleError(f"unknown locale {locale!r} (expected a CLDR id such as "
                                 f"'sv', 'ar' or 'fa_AF')") from exc


def is_rtl(locale: str) -> bool:
    """True if the locale's script is written right to left (ar, fa, fa_AF, ckb …)."""
    return _parse(locale).character_order == "right-to-left"


def bcp47(locale: str) -> str:
    """'fa_AF' -> 'fa-AF', for HarfBuzz, /Lang and XMP."""
    _parse(locale)
    return locale.replace("_", "-")


def display_name(locale: str, in_locale: str = "sv") -> str:
    """The language's name, by default in Swedish (the officer's language)."""
    return _parse(locale).get_display_name(in_locale) or locale
