"""Where a line may break: ICU's line breaker (UAX #14 with dictionaries) when libicu is present.

Thai writes no spaces between words, so spaces alone would give one "word" per sentence; breaking
anywhere would split words and even clusters (a consonant from its stacked marks). ICU's line
break iterator has a Thai dictionary and is the reference implementation, works offline, and
is called in Debian's libicu through its C API (icu_c: no binding to compile). Without libicu we
fall back to a small rule set: break after spaces and ZWSP, and, for words longer than a line,
between grapheme clusters only.
"""

from __future__ import annotations

import threading
import unicodedata

from formapp.documents import icu_c

HAVE_ICU = icu_c.AVAILABLE


def _icu_locale(locale: str | None) -> str:
    return (locale or "en").replace("-", "_")


# ICU iterators hold state: one per thread, locale and kind (creating one costs ~0.1 ms).
_local = threading.local()


def _icu_iterator(locale: str, kind: str) -> icu_c.BreakIterator:
    cache = _local.__dict__.setdefault("iterators", {})
    iterator = cache.get((locale, kind))
    if iterator is None:
        iterator = icu_c.BreakIterator(
            icu_c.UBRK_LINE if kind == "line" else icu_c.UBRK_CHARACTER, locale)
        cache[(locale, kind)] = iterator
    return iterator


def _utf16_to_index(text: str) -> list[int]:
    """Map UTF-16 offsets (ICU's) to str indexes (ours)."""
    mapping = []
    for i, char in enumerate(text):
        mapping.append(i)
        if ord(char) > 0xFFFF:
            mapping.append(i)
    mapping.append(len(text))
    return mapping


def _icu_boundaries(text: str, locale: str | None, kind: str) -> list[int]:
    units = _icu_iterator(_icu_locale(locale), kind).boundaries(text)
    if text.isascii() or max(text) <= "\uffff":  # one UTF-16 unit per character
        return units
    mapping = _utf16_to_index(text)
    return [mapping[u] for u in units]


def line_break_opportunities(text: str, locale: str | None = None) -> list[int]:
    """Indexes i (0 < i < len) where a line may start; sorted."""
    if HAVE_ICU:
        return [b for b in _icu_boundaries(text, locale, "line") if 0 < b < len(text)]
    result = []
    for i in range(1, len(text)):
        prev = text[i - 1]
        after_space = prev in " \u200b" and text[i] != " "
        after_hyphen = prev in "-\u2010\u2013" and text[i].isalpha()
        if after_space or after_hyphen:
            result.append(i)
    return result


def grapheme_boundaries(text: str, locale: str | None = None) -> list[int]:
    """Indexes between grapheme clusters (including 0 and len); the last resort for breaks."""
    if HAVE_ICU:
        return _icu_boundaries(text, locale, "char")
    result = [0]
    for i in range(1, len(text)):
        if not _extends(text[i]) and text[i - 1] not in "\u200d":
            result.append(i)
    result.append(len(text))
    return result


def _extends(char: str) -> bool:
    """Grapheme_Cluster_Break Extend/SpacingMark approximated by category, plus Thai SARA AM."""
    return (unicodedata.category(char) in ("Mn", "Mc", "Me")
            or char in "\u200c\u200d\u0e33\u0eb3" or 0xFE00 <= ord(char) <= 0xFE0F)
