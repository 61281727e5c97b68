"""Messages about text the PDFs can not print, in the participant's (``messages``) and the
officer's (``officer``) language: one sentence per character, naming it by code point.

Every free text that ends up in a sealed PDF is checked with these at input (the paper forms'
rules, the stores, the web forms' shared validator, a published consent text), so a signature
or a registration never fails later on a character no font has. ``document_problem_*`` word a
``DocumentError`` for a user should something unprintable still reach a PDF (data kept from
before these checks): never the library's English text.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from flask_babel import LazyString

from formapp.documents.consent import ConsentText
from formapp.documents.errors import DocumentError, MissingGlyphError
from formapp.documents.printable import character_label, is_invisible, unprintable_characters
from formapp.i18n import _lo, _lp

MAX_NAMED = 3  # characters named in one message; the rest follow once these are gone
logger = logging.getLogger(__name__)


def _joined(messages: list[LazyString]) -> LazyString | None:
    if not messages:
        return None
    return LazyString(lambda: " ".join(str(message) for message in messages))


def unprintable_p(text: str) -> LazyString | None:
    """For the participant: what in ``text`` the PDF can not print (None: all of it prints)."""
    return _joined([
        _lp("Texten innehåller ett osynligt styrtecken (%(char)s) som inte kan skrivas ut i "
            "PDF:en. Skriv texten utan det.", char=character_label(char))
        if is_invisible(char) else
        _lp("Tecknet %(char)s kan inte skrivas ut i PDF:en. Skriv texten utan det.",
            char=character_label(char))
        for char in unprintable_characters(text)[:MAX_NAMED]])


def unprintable_o(text: str) -> LazyString | None:
    """For the officer: what in ``text`` the PDF can not print (None: all of it prints)."""
    return _joined([
        _lo("Texten innehåller ett osynligt styrtecken (%(char)s) som inte kan skrivas ut i "
            "PDF:en. Skriv texten utan det.", char=character_label(char))
        if is_invisible(char) else
        _lo("Tecknet %(char)s kan inte skrivas ut i PDF:en. Skriv texten utan det.",
            char=character_label(char))
        for char in unprintable_characters(text)[:MAX_NAMED]])


def _chars(exc: MissingGlyphError) -> str:
    return ", ".join(character_label(char) for char in exc.chars[:MAX_NAMED])


def document_problem_p(exc: DocumentError) -> LazyString:
    """A PDF that could not be made, said to the participant (the details go to the log)."""
    logger.error("consent PDF not made: %s", exc)
    if isinstance(exc, MissingGlyphError):
        return _lp("Samtycket kunde inte skapas: tecknet %(char)s kan inte skrivas ut i "
                   "PDF:en. Ge surfplattan till handläggaren.", char=_chars(exc))
    return _lp("Samtycket kunde inte skapas. Ge surfplattan till handläggaren.")


def document_problem_o(exc: DocumentError) -> LazyString:
    """A PDF that could not be made, said to the officer (the details go to the log)."""
    logger.error("PDF not made: %s", exc)
    if isinstance(exc, MissingGlyphError):
        return _lo("Tecknet %(char)s kan inte skrivas ut i PDF:en. Ändra texten som innehåller "
                   "det (namn, ort, insats eller förbund) och försök igen.", char=_chars(exc))
    return _lo("PDF:en kunde inte skapas på grund av ett tekniskt fel. Felet är loggat; "
               "försök igen eller kontakta systemadministratören.")


def _text_parts(text: ConsentText) -> list[tuple[str, str]]:
    """(where in the TOML file, the text there) for every string a consent PDF prints."""
    parts = [("title", text.title), ("language_name", text.language_name)]
    for number, section in enumerate(text.sections, start=1):
        where = f"[[sections]] {number}"
        if section.heading and not unprintable_characters(section.heading):
            where += f" ”{section.heading}”"
        parts += [(where, section.heading), *((where, p) for p in section.paragraphs)]
    parts += [("declaration", text.declaration_heading), ("declaration", text.declaration_text)]
    parts += [(f"labels.{key}", value) for key, value in sorted(asdict(text.labels).items())]
    return parts


def unprintable_in_consent_text(text: ConsentText) -> LazyString | None:
    """For the administrator publishing ``text``: each section (as the TOML file names it)
    with a character the PDF can not print, and that character."""
    messages: list[LazyString] = []
    for where, part in _text_parts(text):
        for char in unprintable_characters(part):
            if len(messages) < MAX_NAMED:
                messages.append(_lo(
                    "Avsnittet %(section)s: ett osynligt styrtecken (%(char)s) kan inte skrivas "
                    "ut i PDF:en.", section=where, char=character_label(char))
                    if is_invisible(char) else
                    _lo("Avsnittet %(section)s: tecknet %(char)s kan inte skrivas ut i PDF:en.",
                        section=where, char=character_label(char)))
    return _joined(messages)
