"""The registerutdrag (GDPR art. 15) in words a person can read, in one language.

:func:`formapp.records.subject_access.collect` gathers what formapp holds as data (codes, field
names, statuses); this module says the same in sentences and tables: statuses in words, every
FK 9448/9449 answer under its question in the form's own wording, kommun names instead of
codes, log entries by what happened. Rendered once in Swedish and once in the language of the
person's latest consent (the participant strings, domain ``messages``); the codes stay in the
attached ``record.json`` for machines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from flask_babel import force_locale

from formapp.definitions import load_form, text
from formapp.definitions.answers import SKIP, answer_text
from formapp.documents.receipt import ReceiptPart, ReceiptSection
from formapp.domain import kommuner
from formapp.i18n import _p, registry
from formapp.records.models import ConsentStatus

SOURCE = "sv"


def _status(code: str) -> str:
    return {
        ConsentStatus.ACTIVE.value: _p("Gäller, men har inte använts än"),
        ConsentStatus.USED.value: _p("Används för ditt deltagande i insatsen"),
        ConsentStatus.WITHDRAWN.value: _p("Återkallat"),
        ConsentStatus.SUPERSEDED.value: _p("Ersatt av ett nyare samtycke"),
    }.get(code, "–")


def _kon(code: str) -> str:
    return {"man": _p("Man"), "kvinna": _p("Kvinna")}.get(code, "–")


def _what_happened(action: str) -> str:
    """A log entry's action in words; every look at the data is one kind of event."""
    exact = {
        "consent.signed": _p("Du lämnade ett samtycke"),
        "consent.withdrawn": _p("Samtycket återkallades"),
        "consent.interpreter": _p("Det antecknades om en tolk läste texten för dig"),
        "registration.registered": _p("Du registrerades som deltagare (FK 9448)"),
        "registration.ended": _p("Ditt deltagande avslutades (FK 9449)"),
        "registration.corrected": _p("Uppgifter rättades"),
        "registration.end_corrected": _p("Uppgifter rättades"),
        "registration.erased": _p("En felaktig registrering togs bort"),
        "retention.disposed": _p("Uppgifter togs bort när tiden för att spara dem gick ut"),
        "gdpr.registerutdrag": _p("Ett registerutdrag gjordes"),
    }
    return exact.get(action, _p("Dina uppgifter söktes fram eller visades för en handläggare"))


def _when(value: object) -> str:
    try:
        return datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return str(value or "–")


def _language(locale_id: str | None, in_locale: str) -> str:
    locales = registry()
    if not locale_id or locale_id not in locales:
        return "–"
    info = locales[locale_id]
    return info.name_sv if in_locale == SOURCE else info.name


def _answers(form: str, stored: Mapping[str, object] | None) -> tuple[tuple[str, str], ...]:
    """(question, answer) of every stored answer, in form order, in the locale in force."""
    definition = load_form(form)
    stored = stored or {}
    return tuple((str(text(spec.label)), answer_text(spec, stored[name]))
                 for name, spec in definition.fields.items()
                 if name in stored and name not in SKIP)


def _end_reason(code: object) -> str:
    spec = load_form("9449").fields["avslutningsanledning"]
    return answer_text(spec, code)


def _consent_section(c: Mapping[str, Any], locale: str) -> ReceiptSection:
    facts = [(_p("Insats"), c["insats"]), (_p("Status"), _status(c["status"])),
             (_p("Lämnat"), str(c["lämnat"])), (_p("Ort"), c["ort"] or "–"),
             (_p("Läst på"), _language(c["läst_på"], locale)),
             (_p("Samtyckestextens version"), str(c["bindande_text"])),
             (_p("Dokument-id"), c["dokument_id"])]
    if c["återkallat"]:
        facts += [(_p("Återkallat"), _when(c["återkallat"])),
                  (_p("Hur och varför"), c["återkallelse_skäl"] or "–")]
    return ReceiptSection(_p("Samtycke %(date)s", date=c["lämnat"]), facts=tuple(facts))


def _understanding_section(c: Mapping[str, Any], locale: str) -> ReceiptSection | None:
    """The answers to the questions about the text, each under its question: in the wording
    the person saw when this part is in that language, else in Swedish."""
    understood = c.get("förståelsefrågor") or {}
    answers = understood.get("answers") or []
    if not answers:
        return None
    own = understood.get("locale") == locale
    facts = []
    for number, entry in enumerate(answers, start=1):
        question = entry["question"] if own else entry["question_sv"]
        answer = entry["answer_text"] if own else entry["answer_text_sv"]
        result = _p("Rätt svar.") if entry["correct"] else _p("Fel svar.")
        facts.append((_p("Fråga %(number)s av %(count)s", number=number, count=len(answers)),
                      f"{question} {answer or '–'} · {result} "
                      f"{_p('Försök: %(attempts)s', attempts=entry['attempts'])}"))
    return ReceiptSection(_p("Frågor om texten"), facts=tuple(facts))


def _registration_sections(r: Mapping[str, Any]) -> list[ReceiptSection]:
    kommun = kommuner.kommun(r["kommun"]).name if kommuner.is_kommun(r["kommun"]) else "–"
    facts = [(_p("Insats"), r["insats"]), (_p("Startdatum"), str(r["startdatum"])),
             (_p("Kommun"), kommun)]
    if r["stadsdel"]:
        facts.append((_p("Stadsdel"), r["stadsdel"]))
    if r["avslutningsdatum"]:
        facts += [(_p("Avslutat"), str(r["avslutningsdatum"])),
                  (_p("Anledning"), _end_reason(r["avslutningsanledning"]))]
    else:
        facts.append((_p("Avslutat"), _p("Nej, deltagandet pågår")))
    sections = [
        ReceiptSection(_p("Deltagande från %(date)s", date=r["startdatum"]), facts=tuple(facts)),
        ReceiptSection(_p("Svar vid inregistreringen (FK 9448)"),
                       answers=_answers("9448", r["svar_inregistrering"])),
    ]
    if r["svar_utregistrering"]:
        sections.append(ReceiptSection(_p("Svar vid utregistreringen (FK 9449)"),
                                       answers=_answers("9449", r["svar_utregistrering"])))
    for change in r["rättelser"]:
        sections.append(ReceiptSection(
            _p("Rättelse %(date)s: svaren före rättelsen", date=_when(change["ändrad"])),
            answers=_answers(change["blankett"], change["tidigare_svar"])))
    return sections


def _log_section(entries: Sequence[Mapping[str, Any]]) -> ReceiptSection:
    facts = tuple((_when(e["när"]),
                   " · ".join(part for part in (
                       _what_happened(e["vad"]),
                       _p("av %(who)s", who=e["vem"]) if e["vem"] != "system"
                       else _p("automatiskt"),
                       e["varför"]) if part))
                  for e in entries)
    return ReceiptSection(_p("Händelser i loggen"), paragraphs=(
        _p("Varje gång någon har sökt fram, visat eller ändrat dina uppgifter sparas det i en "
           "logg."),), facts=facts or (("–", "–"),))


def readable_part(data: Mapping[str, Any], locale: str, *, erased: Sequence[tuple[str, str]],
                  created: datetime) -> ReceiptPart:
    """The whole extract in ``locale``: ``erased`` are (insats, when) of removed
    registrations (the data names only their ids)."""
    with force_locale(locale):
        person = ReceiptSection(_p("Om dig"), facts=(
            (_p("Personnummer"), data["personnummer"]), (_p("Namn"), data["namn"] or "–"),
            (_p("Kön (enligt folkbokföringen)"), _kon(data["kon"])),
            (_p("Samordningsförbund"), data["samverkansorganisation"])))
        sections = [person]
        for c in data["samtycken"]:
            sections.append(_consent_section(c, locale))
            understood = _understanding_section(c, locale)
            if understood is not None:
                sections.append(understood)
        for r in data["registreringar"]:
            sections += _registration_sections(r)
        if erased:
            sections.append(ReceiptSection(_p("Borttagna felaktiga registreringar"), facts=tuple(
                (_p("Insats"), f"{insats} · {_when(when)}") for insats, when in erased)))
        sections.append(_log_section(data["loggade_händelser"]))
        return ReceiptPart(
            locale=locale, title=registry()[locale].name,
            paragraphs=(
                _p("Det här är alla uppgifter som %(forbund)s har om dig i formapp den "
                   "%(date)s.", forbund=data["samverkansorganisation"],
                   date=created.date().isoformat()),
                _p("Uppgifterna finns också i en fil för datorer, bifogad till den här "
                   "PDF:en."),
            ),
            sections=tuple(sections))
