"""Message catalogs with Babel's Python API: extract, update, compile, check.

Layout (``translations/`` next to ``forms/``)::

    translations/messages.pot, officer.pot          templates, from extract
    translations/<id>/LC_MESSAGES/messages.po       participant domain: every locale but sv
    translations/<id>/LC_MESSAGES/officer.po        officer domain: officer_ui locales but sv
    translations/<id>/LC_MESSAGES/*.mo              compiled by `formapp i18n compile` (make)

What is extracted is configured in pyproject.toml, ``[tool.formapp.i18n]``: Babel method
mappings (``sources``) and whether the form definitions' strings join the participant domain
(``definitions``; pybabel can not read TOML, so they come from
``formapp.definitions.message_ids()``). The domains are told apart by the marking functions
(``formapp.i18n.domains.KEYWORDS``), never by file.
"""

from __future__ import annotations

import io
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from formapp.config import PROJECT_ROOT
from formapp.definitions import consent_templates, message_ids, understanding
from formapp.i18n.domains import KEYWORDS, OFFICER_DOMAIN, PARTICIPANT_DOMAIN
from formapp.i18n.registry import Registry, load_registry
from formapp.translation import glossary, review

DOMAINS = (PARTICIPANT_DOMAIN, OFFICER_DOMAIN)
CONSENT_TEXTS = Path("9443") / "texts"
COMMENT_TAGS = ("TRANSLATORS:",)


class CatalogError(RuntimeError):
    """The catalog configuration or a catalog file is broken; the message says which."""


# --- configuration ------------------------------------------------------------------------

@dataclass(frozen=True)
class I18nConfig:
    """``[tool.formapp.i18n]`` of pyproject.toml, paths resolved against the project root."""

    root: Path
    translations: Path
    forms: Path
    sources: tuple[tuple[str, str], ...]  # (glob pattern relative to root, Babel method)
    definitions: bool = True

    def locales_for(self, domain: str, registry: Registry) -> tuple[str, ...]:
        """The locales a domain has catalogs in (the source language has none)."""
        if domain == OFFICER_DOMAIN:
            return tuple(i for i in registry.officer_ids if i != registry.source)
        return registry.translated_ids

    def template_path(self, domain: str) -> Path:
        return self.translations / f"{domain}.pot"

    def po_path(self, locale: str, domain: str, translations: Path | None = None) -> Path:
        return (translations or self.translations) / locale / "LC_MESSAGES" / f"{domain}.po"


def load_config(root: Path | None = None) -> I18nConfig:
    root = Path(root or PROJECT_ROOT)
    try:
        with (root / "pyproject.toml").open("rb") as handle:
            table = tomllib.load(handle)["tool"]["formapp"]["i18n"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"{root / 'pyproject.toml'}: no [tool.formapp.i18n] table "
                           f"({exc})") from exc
    unknown = set(table) - {"translations", "forms", "sources", "definitions"}
    if unknown:
        raise CatalogError(f"[tool.formapp.i18n]: unknown keys {sorted(unknown)}")
    sources = tuple((str(pattern), str(method)) for pattern, method in table["sources"])
    return I18nConfig(root=root, translations=root / table.get("translations", "translations"),
                      forms=root / table.get("forms", "forms"), sources=sources,
                      definitions=bool(table.get("definitions", True)))


# --- extract ------------------------------------------------------------------------------

def extract(config: I18nConfig, domain: str) -> Catalog:
    """A template catalog of ``domain``: Python code and templates, and for the participant
    domain the form definitions."""
    catalog = _new_catalog()
    keywords = KEYWORDS[domain]
    method_map = list(config.sources)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(config.root), method_map=method_map, keywords=keywords,
            comment_tags=COMMENT_TAGS, strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments,
                    context=context)
    if domain == PARTICIPANT_DOMAIN and config.definitions:
        for item in message_ids(forms_dir=config.forms):
            catalog.add(item.msgid, None, [(_relative(item.source, config.root), 0)],
                        auto_comments=[item.key])
    return catalog


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _new_catalog(locale: str | None = None) -> Catalog:
    return Catalog(locale=locale, project="formapp", version="1",
                   copyright_holder="formapp", charset="utf-8", fuzzy=False,
                   header_comment="# formapp: translations of the Swedish source strings.\n"
                                  "# Generated by `formapp i18n`; edit msgstr only.")


def write_template(config: I18nConfig, domain: str, catalog: Catalog) -> bool:
    """Write ``<domain>.pot`` if its messages changed; True if written."""
    return _write_if_changed(config.template_path(domain), catalog)


# --- update -------------------------------------------------------------------------------

@dataclass
class UpdateResult:
    locale: str
    domain: str
    path: Path
    created: bool
    written: bool


def update(config: I18nConfig, registry: Registry, templates: dict[str, Catalog],
           translations: Path | None = None) -> list[UpdateResult]:
    """Create missing catalogs and merge each template into every locale's catalog."""
    results = []
    for domain in DOMAINS:
        template = templates[domain]
        for locale in config.locales_for(domain, registry):
            path = config.po_path(locale, domain, translations)
            created = not path.exists()
            if created:
                catalog = _new_catalog(locale)
                catalog.update(template, no_fuzzy_matching=True)
            else:
                catalog = read_catalog(path, locale)
                catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
            results.append(UpdateResult(locale, domain, path, created,
                                        _write_if_changed(path, catalog)))
    return results


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=locale, abort_invalid=True)
    except Exception as exc:  # Babel raises several kinds for a malformed file
        raise CatalogError(f"{path}: {exc}") from exc


def _entries(catalog: Catalog) -> list[tuple[object, ...]]:
    """What a catalog says, without its dates: to write only files that really changed."""
    rows: list[tuple[object, ...]] = [(m.id, m.string, sorted(m.flags),
             # write_po sorts the locations: compare them sorted too.
             sorted((f, line or 0) for f, line in m.locations),
             m.auto_comments, m.user_comments, m.context) for m in catalog if m.id]
    rows += [("#~", m.id, m.string) for m in catalog.obsolete.values()]
    return rows


def _write_if_changed(path: Path, catalog: Catalog) -> bool:
    if path.exists() and _entries(read_catalog(path, catalog.locale_identifier)) == \
            _entries(catalog):
        return False
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return True


# --- compile ------------------------------------------------------------------------------

def compile_catalogs(config: I18nConfig, registry: Registry,
                     translations: Path | None = None) -> list[Path]:
    """``.po`` -> ``.mo`` for every catalog there is; fuzzy entries are left out."""
    written = []
    for domain in DOMAINS:
        for locale in config.locales_for(domain, registry):
            po = config.po_path(locale, domain, translations)
            if not po.exists():
                continue
            catalog = read_catalog(po, locale)
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.read_bytes() != buffer.getvalue():
                mo.write_bytes(buffer.getvalue())
            written.append(mo)
    return written


# --- check --------------------------------------------------------------------------------

# Named or positional printf placeholders (never "% i" with a space: Swedish has "50 % i").
_PRINTF = re.compile(r"%\((\w+)\)[#0+-]?\d*(?:\.\d+)?[diouxXeEfFgGcrs]|%[sd]|%%")
_BRACES = re.compile(r"\{\w*(?:[.!:][^{}]*)?\}")
_MARKUP = re.compile(r"</?[A-Za-z][^<>]*>|&#?\w+;")


def placeholders(text: str) -> Counter:
    """The placeholders of a string, counted: ``%(name)s``, ``%s``, ``%%`` and ``{x}``."""
    return Counter([m.group(0) for m in _PRINTF.finditer(text)]
                   + [m.group(0) for m in _BRACES.finditer(text)])


def markup(text: str) -> Counter:
    return Counter(re.sub(r"\s+", " ", m.group(0)) for m in _MARKUP.finditer(text))


@dataclass
class CatalogReport:
    """What is wrong with one locale's catalog of one domain."""

    domain: str
    locale: str
    path: Path
    entries: int = 0
    missing_file: bool = False
    missing: list[str] = field(default_factory=list)  # in the template, not in the catalog
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)  # "msgid: what differs"
    markup: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing_file or self.missing or self.untranslated or self.fuzzy
                    or self.placeholders or self.markup)

    def summary(self) -> str:
        if self.missing_file:
            return "no catalog (run `formapp i18n update`)"
        if self.ok:
            return f"OK ({self.entries} entries)"
        parts = [f"{len(self.untranslated)} untranslated", f"{len(self.fuzzy)} fuzzy",
                 f"{len(self.placeholders)} placeholder", f"{len(self.markup)} markup"]
        if self.missing:
            parts.append(f"{len(self.missing)} not in catalog (run `formapp i18n update`)")
        return ", ".join(parts)

    def problems(self) -> Iterator[str]:
        for label, items in (("not in catalog", self.missing),
                             ("untranslated", self.untranslated), ("fuzzy", self.fuzzy),
                             ("placeholders differ", self.placeholders),
                             ("markup differs", self.markup)):
            for item in items:
                yield f"{label}: {item}"


@dataclass
class CheckReport:
    catalogs: list[CatalogReport]
    consent_missing: list[str]  # locales of the registry without forms/9443/texts/<id>.toml
    consent_mismatch: list[str]  # "<id>: what disagrees with the registry"
    # formapp's own text: a translation file that is there must be right (else it fails);
    # a locale without one is only pending: it is not offered with that text until it has one.
    formapp_problems: list[str] = field(default_factory=list)
    formapp_pending: list[str] = field(default_factory=list)
    # locale -> where a glossary term is rendered otherwise than its glossary says
    glossary: dict[str, list[str]] = field(default_factory=dict)
    # locale -> review status counts of its participant catalog (machine/reviewed/official)
    review: dict[str, review.ReviewCounts] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.catalogs) and not self.consent_missing \
            and not self.consent_mismatch and not self.formapp_problems \
            and not any(self.glossary.values()) \
            and not any(r.problems for r in self.review.values())


def _short(msgid: object) -> str:
    text = msgid[0] if isinstance(msgid, tuple) else str(msgid)
    return text if len(text) <= 70 else text[:67] + "..."


def check_catalog(template: Catalog, catalog: Catalog, *, domain: str, locale: str,
                  path: Path) -> CatalogReport:
    """Compare one catalog with its template: every entry there, translated, not fuzzy, with
    the source's placeholders and markup."""
    report = CatalogReport(domain=domain, locale=locale, path=path)
    for source in template:
        if not source.id:
            continue
        report.entries += 1
        message = catalog.get(source.id, context=source.context)
        if message is None:
            report.missing.append(_short(source.id))
            continue
        if message.fuzzy:
            report.fuzzy.append(_short(source.id))
        strings = _forms(message.string)
        if not strings or not all(strings):
            report.untranslated.append(_short(source.id))
            continue
        _compare(source, message, strings, report)
    return report


def _forms(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """A message's id or string as its forms (a plural has several; none: untranslated)."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _compare(source: Message, message: Message, strings: tuple[str, ...],
             report: CatalogReport) -> None:
    ids = _forms(source.id)
    wanted = placeholders(ids[-1])
    allowed = sum((placeholders(i) for i in ids), Counter())
    for text in strings:
        got = placeholders(text)
        # A plural form may leave %(num)d out ("one" said in words), but never add one.
        wrong = got != wanted if len(ids) == 1 else bool(got - allowed)
        if wrong:
            report.placeholders.append(
                f"{_short(source.id)}: source {sorted(wanted.elements())}, "
                f"translation {sorted(got.elements())}")
            return
        if not _formats(text, ids[-1]):
            report.placeholders.append(f"{_short(source.id)}: the translation does not format "
                                       "(a lone % must be written %%)")
            return
        if markup(text) != markup(ids[-1]):
            report.markup.append(f"{_short(source.id)}: source "
                                 f"{sorted(markup(ids[-1]).elements())}, translation "
                                 f"{sorted(markup(text).elements())}")
            return


def entry_problems(ids: tuple[str, ...], strings: tuple[str, ...]) -> list[str]:
    """What ``check`` says of one translated entry (placeholders, formatting, markup); for a
    translator's import, which checks each string it takes as the catalogs are checked."""
    report = CatalogReport(domain="", locale="", path=Path())
    source = Message(ids if len(ids) > 1 else ids[0])
    _compare(source, Message(source.id, strings), strings, report)
    return list(report.problems())


def _formats(text: str, source: str) -> bool:
    """Flask-Babel formats a string with ``%`` only when it has variables: then the
    translation must survive it too."""
    names = {m.group(1) for m in _PRINTF.finditer(source) if m.group(1)}
    if not names:
        return True
    try:
        text % dict.fromkeys(names, 1)
    except (ValueError, TypeError, KeyError):
        return False
    return True


def check(config: I18nConfig, registry: Registry, templates: dict[str, Catalog],
          translations: Path | None = None) -> CheckReport:
    reports = []
    for domain in DOMAINS:
        for locale in config.locales_for(domain, registry):
            path = config.po_path(locale, domain, translations)
            if not path.exists():
                reports.append(CatalogReport(domain=domain, locale=locale, path=path,
                                             missing_file=True))
                continue
            reports.append(check_catalog(templates[domain], read_catalog(path, locale),
                                         domain=domain, locale=locale, path=path))
    missing, mismatch = _check_consent_texts(config.forms / CONSENT_TEXTS, registry)
    problems, pending = _check_formapp_text(config.forms, registry)
    return CheckReport(catalogs=reports, consent_missing=missing, consent_mismatch=mismatch,
                       formapp_problems=problems, formapp_pending=pending,
                       glossary=check_glossary(config, registry, translations),
                       review=review.participant_counts(translations or config.translations,
                                                        registry.translated_ids))


def check_glossary(config: I18nConfig, registry: Registry,
                   translations: Path | None = None) -> dict[str, list[str]]:
    """Per translated locale: every catalog entry and consent text paragraph whose Swedish has
    a glossary term and whose translation renders it otherwise
    (``formapp.translation.glossary``)."""
    directory = translations or config.translations
    if not (directory / glossary.SOURCE_FILE).exists():
        return {}  # a catalog directory without a glossary (a translator's scratch copy)
    try:
        terms = glossary.load_terms(directory)
    except glossary.GlossaryError as exc:
        return {"sv": [str(exc)]}
    out: dict[str, list[str]] = {}
    for locale in registry.translated_ids:
        try:
            renderings = glossary.load_glossary(directory, locale, terms)
        except glossary.GlossaryError as exc:
            out[locale] = [str(exc)]
            continue
        pairs: list[glossary.Pair] = []
        for domain in DOMAINS:
            path = config.po_path(locale, domain, translations)
            if locale in config.locales_for(domain, registry) and path.exists():
                pairs += glossary.catalog_pairs(read_catalog(path, locale), path.name)
        pairs += glossary.builtin_consent_pairs(config.forms, locale)
        pairs += glossary.formapp_text_pairs(config.forms, locale)
        pairs += glossary.question_pairs(config.forms, locale)
        out[locale] = glossary.check_pairs(terms, renderings, pairs)
    return out


def _check_formapp_text(forms: Path, registry: Registry) -> tuple[list[str], list[str]]:
    """Every translation of formapp's consent text that is there: a locale of the registry,
    its direction, and a translation of the current Swedish template (same sections,
    paragraphs and placeholders). Locales without one are pending."""
    problems = consent_templates.translation_problems(forms)
    problems += _check_questions(forms)
    files = consent_templates.translation_files(forms)
    for locale, path in files.items():
        info = registry.get(locale)
        if info is None:
            problems.append(f"{path.name}: {locale!r} is not a locale of forms/locales.toml")
            continue
        with path.open("rb") as handle:
            try:
                direction = tomllib.load(handle).get("direction", "ltr")
            except tomllib.TOMLDecodeError:
                continue  # translation_problems says so
        if direction != info.direction:
            problems.append(f"{path.name}: direction = {direction!r}, the registry "
                            f"{info.direction!r}")
    pending = [info.id for info in registry.locales if info.id != "sv" and info.id not in files]
    return problems, pending


def _check_questions(forms: Path) -> list[str]:
    """The understanding questions (issue 19): each bound to the current text in its language
    (formapp's template, FK 9443's newest built-in version), the same questions as the Swedish
    file, sections that exist."""
    return understanding.question_problems(forms, understanding.current_bindings(forms))


def _check_consent_texts(directory: Path, registry: Registry) -> tuple[list[str], list[str]]:
    missing, mismatch = [], []
    for info in registry.locales:
        path = directory / f"{info.id}.toml"
        if not path.is_file():
            missing.append(info.id)
            continue
        try:
            with path.open("rb") as handle:
                text = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            mismatch.append(f"{info.id}: {path} does not load ({exc})")
            continue
        if text.get("locale") != info.id:
            mismatch.append(f"{info.id}: {path.name} says locale = {text.get('locale')!r}")
        if text.get("direction", info.direction) != info.direction:
            mismatch.append(f"{info.id}: {path.name} says direction = "
                            f"{text.get('direction')!r}, the registry {info.direction!r}")
    return missing, mismatch


def extract_all(config: I18nConfig) -> dict[str, Catalog]:
    return {domain: extract(config, domain) for domain in DOMAINS}


def registry_for(config: I18nConfig) -> Registry:
    return load_registry(config.forms / "locales.toml")


def source_strings(catalog: Catalog) -> Iterable[str]:
    """Every msgid (singular and plural) of a catalog."""
    for message in catalog:
        if message.id:
            yield from _forms(message.id)
