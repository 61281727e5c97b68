"""A translator's round trip (issue 23): ``formapp i18n export`` and ``formapp i18n import``.

Export writes, for one language, everything a translator or reviewer works with, in formats
Poedit and Weblate both read: the catalogs as they are (``messages.po``, for ``en`` also
``officer.po``; msgid is the Swedish source, each entry's ``# review:`` comment its status), both
consent texts as PO (``formapp.translation.consent_po``), the glossary as TBX (Weblate's
glossary format) and a README.txt that says what to do and lists the glossary in plain text.

Import takes edited files back. Every changed string is checked as ``formapp i18n check``
checks the catalogs (placeholders, markup, glossary); one problem anywhere refuses the whole
import, naming each entry, and nothing is written. What is taken is marked ``reviewed by
<name> <date>``: in the catalog's comment, and for a consent text in
``translations/<locale>/consent-review.toml``; a consent text change becomes a draft of the
text's next version (never an edit of a published file).
"""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from formapp.definitions import consent_templates
from formapp.translation import catalogs, consent_po, consent_review, glossary, review

README = "README.txt"
GLOSSARY_TBX = "glossary.tbx"
# Each exported catalog entry carries the fingerprint of its translation at export (an
# extracted comment, which Poedit and Weblate keep): the import then tells what the translator
# changed from what changed in formapp meanwhile.
_EXPORTED = "formapp-exported: "


def _digest(strings: tuple[str, ...]) -> str:
    return hashlib.sha256("\x00".join(strings).encode("utf-8")).hexdigest()[:16]


def _exported_digest(message: Message) -> str | None:
    for comment in message.auto_comments:
        if comment.startswith(_EXPORTED):
            return comment.removeprefix(_EXPORTED).strip()
    return None


class RoundTripError(RuntimeError):
    """An export or import that cannot be done (the message says why)."""


def _write_po(path: Path, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False)
    path.write_bytes(buffer.getvalue())


# --- export -------------------------------------------------------------------------------

def export(config: catalogs.I18nConfig, locale: str, out: Path) -> list[Path]:
    """Write the translator's files for ``locale`` into ``out``; returns them."""
    registry = catalogs.registry_for(config)
    if locale not in registry.translated_ids:
        raise RoundTripError(f"{locale!r} is not a translated locale of forms/locales.toml "
                             f"({', '.join(registry.translated_ids)})")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for domain in catalogs.DOMAINS:
        source = config.po_path(locale, domain)
        if locale in config.locales_for(domain, registry) and source.exists():
            catalog = catalogs.read_catalog(source, locale)
            for message in catalog:
                if message.id:
                    message.auto_comments = [*message.auto_comments,
                                             f"{_EXPORTED}{_digest(_strings(message))}"]
            _write_po(out / source.name, catalog)
            written.append(out / source.name)
    try:
        reviews = consent_review.load(config.translations, locale)
    except (ValueError, KeyError) as exc:
        raise RoundTripError(f"{consent_review.FILE} of {locale}: {exc}") from exc
    for text_id in consent_po.TEXTS:
        text = consent_po.current(config.forms, text_id, locale)
        if text is None:
            continue
        shown: consent_po.Current = text

        def status(where: str, value: str, text: consent_po.Current = shown) -> str:
            return consent_review.status_of(reviews, text.text_id, where, value, text.status)

        path = out / f"consent-{text_id}.po"
        _write_po(path, consent_po.to_catalog(text, status))
        written.append(path)
    terms = glossary.load_terms(config.translations)
    renderings = glossary.load_glossary(config.translations, locale, terms)
    info = registry.get(locale)
    bcp47 = info.bcp47 if info is not None else locale.replace("_", "-")
    (out / GLOSSARY_TBX).write_bytes(_tbx(terms, renderings, bcp47))
    (out / README).write_text(_readme(locale, written, terms, renderings), encoding="utf-8")
    return [*written, out / GLOSSARY_TBX, out / README]


def _tbx(terms: Iterable[glossary.Term], renderings: dict[str, glossary.Rendering],
         language: str) -> bytes:
    """TBX (TermBase eXchange) as Weblate reads it: Swedish term, chosen rendering, note."""
    martif = ET.Element("martif", {"type": "TBX", "xml:lang": "sv"})
    header = ET.SubElement(ET.SubElement(martif, "martifHeader"), "fileDesc")
    ET.SubElement(ET.SubElement(header, "sourceDesc"), "p").text = "formapp glossary"
    body = ET.SubElement(ET.SubElement(martif, "text"), "body")
    for term in terms:
        rendering = renderings[term.id]
        entry = ET.SubElement(body, "termEntry", {"id": term.id})
        if term.en:
            ET.SubElement(entry, "descrip").text = term.en
        ET.SubElement(ET.SubElement(ET.SubElement(entry, "langSet", {"xml:lang": "sv"}),
                                    "tig"), "term").text = term.sv
        target = ET.SubElement(entry, "langSet", {"xml:lang": language})
        ET.SubElement(ET.SubElement(target, "tig"), "term").text = rendering.rendering
        note = f"{rendering.note} (accepted: {', '.join(rendering.forms)})".strip()
        ET.SubElement(target, "note", {"from": "translator"}).text = note
    ET.indent(martif)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(martif, encoding="utf-8",
                                                                     xml_declaration=False)


def _readme(locale: str, files: list[Path], terms: Iterable[glossary.Term],
            renderings: dict[str, glossary.Rendering]) -> str:
    lines = [
        f"formapp translations, {locale}: what to check and how to send it back",
        "",
        "Open the .po files in Poedit or upload them to Weblate. The Swedish source is the",
        "msgid; edit only the translation (msgstr). Each entry's comment 'review: ...' says",
        "whether a native reader has checked it (machine, reviewed by <name> <date>,",
        "official). Keep placeholders such as %(name)s and {forbund_namn} and markup such",
        "as <strong> exactly; use the glossary's terms (glossary.tbx, and the list below).",
        "An entry you are unsure of: mark it fuzzy / 'needs editing'; it is then left as",
        "it is. Leave the '#. formapp-exported: ...' comments: they let formapp tell your",
        "changes from changes made in formapp since this export.",
        "",
        "Files:",
        *(f"  {p.name}" for p in files),
        "",
        "Send the edited files back; formapp takes them with",
        "  formapp i18n import <file>... --reviewer '<your name>'",
        "which refuses a file with a broken placeholder or another rendering of a glossary",
        "term (naming each entry) and marks every string you changed as reviewed by you.",
        "A change to a consent text becomes a draft of the text's next version.",
        "",
        "Glossary (Swedish term -> rendering; accepted forms; note):",
    ]
    for term in terms:
        rendering = renderings[term.id]
        lines.append(f"  {term.sv} -> {rendering.rendering}; {', '.join(rendering.forms)}"
                     + (f"; {rendering.note}" if rendering.note else ""))
    return "\n".join(lines) + "\n"


# --- import -------------------------------------------------------------------------------

@dataclass
class Outcome:
    """What one imported file would change, or why it is refused."""

    path: Path
    what: str  # "messages", "officer", "fk-9443", "formapp-samtycke"
    locale: str
    changes: list[tuple[str, str]] = field(default_factory=list)  # (entry, new wording)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    # what apply() writes
    _catalog: Catalog | None = None
    _target: Path | None = None
    _messages: list[Message] = field(default_factory=list)  # the catalog's changed entries
    _text: consent_po.Current | None = None
    _text_changes: dict[str, str] = field(default_factory=dict)


class ImportRefused(RoundTripError):
    def __init__(self, outcomes: list[Outcome]) -> None:
        self.outcomes = outcomes
        problems = sum(len(o.problems) for o in outcomes)
        super().__init__(f"import refused: {problems} problem(s); nothing was changed")


@dataclass(frozen=True)
class _Checker:
    """The checks of ``formapp i18n check``, for one locale's changed strings."""

    terms: tuple[glossary.Term, ...]
    renderings: dict[str, glossary.Rendering]

    def problems(self, where: str, source_ids: tuple[str, ...],
                 strings: tuple[str, ...]) -> list[str]:
        out = [f"{where}: {p}" for p in catalogs.entry_problems(source_ids, strings)]
        pairs = [glossary.Pair(where, source_ids[-1], s) for s in strings]
        out += glossary.check_pairs(self.terms, self.renderings, pairs)
        return out


def _short(msgid: object) -> str:
    text = msgid[0] if isinstance(msgid, tuple) else str(msgid)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _strings(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, (tuple, list)):
        return tuple(str(s or "") for s in message.string)
    return (str(message.string or ""),)


def analyse(config: catalogs.I18nConfig, path: Path) -> Outcome:
    """Read one edited file and say what it would change (nothing is written)."""
    try:
        with path.open("rb") as handle:
            edited = read_po(handle, abort_invalid=True)
    except Exception as exc:  # Babel raises several kinds for a malformed file
        return Outcome(path, "?", "?", problems=[f"{path.name}: not a PO file ({exc})"])
    locale = edited.locale_identifier or ""
    text = consent_po.exported_from(edited)
    what = text[0] if text else path.stem
    outcome = Outcome(path, what, locale)
    registry = catalogs.registry_for(config)
    if locale not in registry.translated_ids:
        outcome.problems.append(f"{path.name}: the Language header is {locale!r}, not a "
                                "translated locale of forms/locales.toml")
        return outcome
    terms = glossary.load_terms(config.translations)
    checker = _Checker(terms, glossary.load_glossary(config.translations, locale, terms))
    if text is not None:
        _analyse_text(config, edited, text[1], checker, outcome)
    elif what in catalogs.DOMAINS and locale in config.locales_for(what, registry):
        _analyse_catalog(config, edited, checker, outcome)
    else:
        outcome.problems.append(f"{path.name}: neither a catalog ({', '.join(catalogs.DOMAINS)}"
                                ".po) of this locale nor an exported consent text")
    return outcome


def _analyse_catalog(config: catalogs.I18nConfig, edited: Catalog, checker: _Checker,
                     outcome: Outcome) -> None:
    target = config.po_path(outcome.locale, outcome.what)
    ours = catalogs.read_catalog(target, outcome.locale)
    name = f"{outcome.what}.po"
    for message in edited:
        if not message.id:
            continue
        where = f"{name}: {_short(message.id)}"
        strings = _strings(message)
        mine = ours.get(message.id, context=message.context)
        if mine is None:
            if any(strings):
                outcome.problems.append(f"{where}: not in formapp's catalog (its Swedish "
                                        "changed since the export?): export again")
            continue
        exported = _exported_digest(message)
        if exported is not None and _digest(strings) == exported:
            continue  # the translator left it; formapp's may have changed since, and stays
        if message.fuzzy or not all(strings):
            if strings != _strings(mine):
                outcome.skipped.append(f"{where}: left as it is (fuzzy or empty)")
            continue
        if strings == _strings(mine):
            continue
        if exported is not None and _digest(_strings(mine)) != exported:
            outcome.problems.append(f"{where}: changed in formapp since the export (now "
                                    f"{' | '.join(_strings(mine))!r}): export again and redo "
                                    "this string")
            continue
        if review.status_of(mine) == "official":
            outcome.problems.append(f"{where}: an official translation; an import does not "
                                    "change it")
            continue
        ids = (tuple(str(i) for i in message.id) if isinstance(message.id, (tuple, list))
               else (str(message.id),))
        found = checker.problems(where, ids, strings)
        if found:
            outcome.problems += found
            continue
        outcome.changes.append((where, " | ".join(strings)))
        mine.string = message.string
        outcome._messages.append(mine)
    outcome._catalog, outcome._target = ours, target


def _analyse_text(config: catalogs.I18nConfig, edited: Catalog, base: str, checker: _Checker,
                  outcome: Outcome) -> None:
    name = f"{outcome.what} {base}"
    text = consent_po.current(config.forms, outcome.what, outcome.locale)
    if text is None or text.version != base:
        outcome.problems.append(f"{outcome.path.name}: exported from {base}, but "
                                f"{outcome.locale} shows {text.version if text else 'none'} "
                                "now: export again")
        return
    places = {where: (sv, tr) for where, sv, tr in text.strings()}
    for message in edited:
        if not message.id:
            continue
        where = f"{name}: {message.context}"
        (value,) = _strings(message)[:1] or ("",)
        if message.context not in places or places[message.context][0] != message.id:
            outcome.problems.append(f"{where}: no such Swedish string in {base} "
                                    "(export again)")
            continue
        sv, tr = places[message.context]
        if message.fuzzy or not value:
            if value != tr:
                outcome.skipped.append(f"{where}: left as it is (fuzzy or empty)")
            continue
        if value == tr:
            continue
        if text.status == "official":
            outcome.problems.append(f"{where}: an official translation; an import does not "
                                    "change it")
            continue
        found = checker.problems(where, (sv,), (value,))
        try:
            if consent_templates.placeholders_in(value) != consent_templates.placeholders_in(sv):
                found.append(f"{where}: placeholders differ from the Swedish")
        except ValueError as exc:
            found.append(f"{where}: {exc} (a brace that is no placeholder)")
        if found:
            outcome.problems += list(dict.fromkeys(found))
            continue
        outcome.changes.append((where, value))
        outcome._text_changes[message.context] = value
    outcome._text = text
    if outcome._text_changes:
        draft = consent_po.draft_path(config.forms, consent_po.next_version(text.version))
        if draft.exists():
            outcome.problems.append(f"{outcome.path.name}: the draft {draft.name} exists "
                                    "already: publish it (`formapp i18n publish-text`) or "
                                    "delete it first")


def import_files(config: catalogs.I18nConfig, paths: Iterable[Path], *, reviewer: str,
                 today: date) -> list[Outcome]:
    """Check every file, then write all of them, or nothing (``ImportRefused``)."""
    reviewer = " ".join(reviewer.split())
    if not reviewer:
        raise RoundTripError("--reviewer: the reviewer's name is required")
    outcomes = [analyse(config, Path(p)) for p in paths]
    targets = [(o.locale, o.what) for o in outcomes]
    if len(set(targets)) != len(targets):
        for outcome in outcomes:
            outcome.problems.append(f"{outcome.path.name}: two files for {outcome.what} "
                                    f"{outcome.locale}: import one")
    for outcome in outcomes:
        if outcome._text_changes:
            try:  # read before anything is written: all files or none
                consent_review.load(config.translations, outcome.locale)
            except (ValueError, KeyError) as exc:
                outcome.problems.append(f"{consent_review.FILE}: {exc}")
    if any(o.problems for o in outcomes):
        raise ImportRefused(outcomes)
    label = f"review: reviewed by {reviewer} {today.isoformat()}"
    for outcome in outcomes:
        if outcome._catalog is not None and outcome._target is not None and outcome.changes:
            for message in outcome._messages:
                message.user_comments = [c for c in message.user_comments
                                         if not review.is_review_comment(c)] + [label]
            _write_po(outcome._target, outcome._catalog)
            outcome.written.append(outcome._target)
        elif outcome._text is not None and outcome._text_changes:
            outcome.written.append(consent_po.write_draft(
                config.forms, outcome._text, outcome._text_changes,
                f"reviewed by {reviewer} {today.isoformat()}"))
            outcome.written.append(consent_review.record(
                config.translations, outcome.locale, outcome.what, outcome._text_changes,
                by=reviewer,
                date=today.isoformat()))
    return outcomes

