"""The glossary check: a domain term is rendered the same way everywhere in a language.

Two kinds of files (issue 23), reviewed like code:

- ``translations/glossary.toml``: the Swedish terms, each with a regular expression ``match``
  for the term and its inflections in a Swedish source string;
- ``translations/<locale>/glossary.toml``: per term the chosen ``rendering``, the accepted
  ``forms`` and a short ``note``.

A form is matched as a substring after normalisation (case folded, NFC, zero-width joiners,
tatweel and Arabic vowel marks removed), so a stem covers its inflections (Finnish
``suostumu`` covers suostumus, suostumuksen ...). A form may have gaps written ``…``: every part
must occur, in order, close together (Kurmanji "hejmara … kesane" matches "hejmara te ya
kesane", where the possessive splits the phrase).

What is checked, for every translated locale: each participant catalog entry (and for ``en``
each officer entry), the newest built-in FK 9443 translation paragraph by paragraph, and
formapp's own text's translation. Wherever the Swedish source contains a term, the translation
must contain one of its forms.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from formapp.definitions import consent_templates, understanding
from formapp.definitions.consent_texts import latest_builtin
from formapp.documents.consent import ConsentText

SOURCE_FILE = "glossary.toml"
_GAP = "…"
_MAX_GAP = 40  # characters between the parts of a form with gaps
# Joiners, tatweel and Arabic harakat: spelled either way by translators, never meaning.
_INVISIBLE = re.compile(r"[\u200c\u200d\u0640\u064b-\u065f\u0670\u00ad]")


# Placeholders and addresses name no term (%(kommun)s, dataskyddsombud@kommun.se).
_PLACEHOLDER = re.compile(r"%\(\w+\)\w|\{\w*\}|\S+@\S+|https?://\S+")


class GlossaryError(ValueError):
    """A glossary file that is missing, malformed or does not cover the Swedish terms."""


@dataclass(frozen=True)
class Term:
    """A Swedish term: its id, how it is found in a source string, an English gloss."""

    id: str
    sv: str
    pattern: re.Pattern[str]
    en: str = ""


@dataclass(frozen=True)
class Rendering:
    """One locale's rendering of a term and the forms that count as it."""

    term: str
    rendering: str
    forms: tuple[str, ...]
    note: str

    def found_in(self, text: str) -> bool:
        normalised = normalise(text)
        return any(_form_regex(form).search(normalised) for form in self.forms)


def normalise(text: str) -> str:
    # casefold() turns Turkish İ into i + combining dot: drop the dot, as for "i".
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", text).casefold()).replace("\u0307", "")


def _form_regex(form: str) -> re.Pattern[str]:
    parts = [re.escape(normalise(p.strip())) for p in form.split(_GAP) if p.strip()]
    return re.compile(f".{{0,{_MAX_GAP}}}?".join(parts), re.S)


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise GlossaryError(f"{path}: {exc}") from exc


def load_terms(translations: Path) -> tuple[Term, ...]:
    data = _read_toml(translations / SOURCE_FILE).get("terms", {})
    terms = []
    for term_id, entry in data.items():
        try:
            pattern = re.compile(entry["match"], re.IGNORECASE)
        except (KeyError, TypeError, re.error) as exc:
            raise GlossaryError(f"{SOURCE_FILE}: {term_id}: needs a valid match ({exc})") from exc
        terms.append(Term(term_id, str(entry.get("sv", term_id)), pattern,
                          str(entry.get("en", ""))))
    if not terms:
        raise GlossaryError(f"{translations / SOURCE_FILE}: no [terms]")
    return tuple(terms)


def load_glossary(translations: Path, locale: str,
                  terms: Iterable[Term]) -> dict[str, Rendering]:
    """``translations/<locale>/glossary.toml``, checked to cover exactly the Swedish terms."""
    path = translations / locale / SOURCE_FILE
    data = _read_toml(path)
    if data.get("locale") != locale:
        raise GlossaryError(f"{path}: locale = {data.get('locale')!r}, expected {locale!r}")
    entries = data.get("terms", {})
    wanted = {t.id for t in terms}
    if set(entries) != wanted:
        raise GlossaryError(f"{path}: terms missing {sorted(wanted - set(entries))}, "
                            f"unknown {sorted(set(entries) - wanted)}")
    out = {}
    for term_id, entry in entries.items():
        forms = entry.get("forms")
        rendering = entry.get("rendering")
        if not isinstance(rendering, str) or not rendering.strip() \
                or not isinstance(forms, list) or not forms \
                or not all(isinstance(f, str) and f.strip(_GAP + " ") for f in forms):
            raise GlossaryError(f"{path}: {term_id}: needs a rendering and non-empty forms")
        out[term_id] = Rendering(term_id, rendering, tuple(forms), str(entry.get("note", "")))
        if not out[term_id].found_in(rendering):
            raise GlossaryError(f"{path}: {term_id}: the rendering {rendering!r} is none of "
                                f"its own forms")
    return out


# --- what is compared ---------------------------------------------------------------------

@dataclass(frozen=True)
class Pair:
    """A Swedish source and its translation, with where it is (for the report)."""

    where: str
    source: str
    translation: str


def catalog_pairs(catalog: Catalog, name: str) -> Iterator[Pair]:
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = (message.string if isinstance(message.string, tuple | list)
                   else (message.string,))
        for string in strings:
            if string:
                yield Pair(f"{name}: {_short(ids[0])}", ids[-1], string)


def consent_pairs(source: ConsentText, translation: ConsentText) -> Iterator[Pair]:
    """Paragraph by paragraph (the texts have the same structure, checked elsewhere)."""
    for (where, sv), (_, text) in zip(_consent_strings(source), _consent_strings(translation),
                                      strict=False):
        yield Pair(f"{translation.version}: {where}", sv, text)


def _consent_strings(text: ConsentText) -> list[tuple[str, str]]:
    out = [("title", text.title)]
    for i, section in enumerate(text.sections):
        out.append((f"sections[{i}].heading", section.heading))
        out += [(f"sections[{i}].paragraphs[{j}]", p) for j, p in enumerate(section.paragraphs)]
    out += [("declaration.heading", text.declaration_heading),
            ("declaration.text", text.declaration_text)]
    out += [(f"labels.{name}", getattr(text.labels, name))
            for name in ("personnummer", "underskrift", "ort_och_datum", "namnfortydligande")]
    return out


def formapp_text_pairs(forms: Path, locale: str) -> Iterator[Pair]:
    translation = consent_templates.translations(forms).get(locale)
    if translation is None:
        return
    source = consent_templates.swedish_template(forms)
    for (where, sv), (_, text) in zip(consent_templates._strings(source.data),
                                      consent_templates._strings(translation.data),
                                      strict=True):
        yield Pair(f"{translation.version}: {where}", sv, text)


def question_pairs(forms: Path, locale: str) -> Iterator[Pair]:
    """The understanding questions (issue 19), question and options, against the Swedish."""
    files = understanding.question_files(forms)
    for (text_id, file_locale), path in files.items():
        source = files.get((text_id, "sv"))
        if file_locale != locale or source is None:
            continue
        try:
            theirs = understanding.parse_file(path, text_id)
            ours = understanding.parse_file(source, text_id)
        except understanding.QuestionsError:
            continue  # the check of the files says so
        for sv, q in zip(ours.questions, theirs.questions, strict=False):
            where = f"questions/{text_id}/{locale}.toml: {q.id}"
            yield Pair(where, sv.question, q.question)
            for i, (sv_option, option) in enumerate(zip(sv.options, q.options, strict=False)):
                yield Pair(f"{where} option {i}", sv_option, option)


def builtin_consent_pairs(forms: Path, locale: str) -> Iterator[Pair]:
    source, translation = latest_builtin("sv", forms), latest_builtin(locale, forms)
    if source is not None and translation is not None:
        yield from consent_pairs(source, translation)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


# --- the check ----------------------------------------------------------------------------

def check_pairs(terms: Iterable[Term], glossary: dict[str, Rendering],
                pairs: Iterable[Pair]) -> list[str]:
    """One problem per (string, term) whose Swedish has the term and translation none of
    its forms."""
    terms = tuple(terms)
    problems = []
    for pair in pairs:
        source = _PLACEHOLDER.sub(" ", pair.source)
        for term in terms:
            if not term.pattern.search(source):
                continue
            rendering = glossary[term.id]
            if not rendering.found_in(pair.translation):
                problems.append(f"{pair.where}: {term.sv!r} is not rendered as "
                                f"{rendering.rendering!r} (accepted: "
                                f"{', '.join(rendering.forms)})")
    return problems
