"""The participant sheet: its columns, in the order of seeds/000, and how a registration is
written to a row and a row read back to form answers.

Three column groups: the summary the förbund decided on (seeds/000: kön, folkbokföringskommun,
age at start and the under-30 mark, dates in and out, time on public support before,
occupation at start and end, end reason) is always there; personnummer and name only when
asked for by someone with the right; the *full* group holds the rest of the FK 9448/9449
answers, which an import needs to rebuild a registration.

Values are the paper forms' own Swedish words whatever the reader's language, so a sheet reads
back the same everywhere (the importer also accepts the codes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal

from formapp.config import forms_dir_setting
from formapp.definitions import OptionList, load_form
from formapp.domain import kommuner
from formapp.domain.personnummer import Personnummer

Kind = Literal["text", "date", "int"]
YES_NO = {"ja": "Ja", "nej": "Nej"}
KON = {"kvinna": "Kvinna", "man": "Man"}
SUPPORT_SEPARATOR = "; "


@dataclass(frozen=True)
class SheetColumn:
    header: str
    width: float
    kind: Kind = "text"
    field: str | None = None  # the form field an import fills from it (9448 or 9449)


IDENTITY = (SheetColumn("Personnummer", 15, field="personnummer"),
            SheetColumn("Namn", 26, field="namn"))
SUMMARY = (
    SheetColumn("Insats", 28),
    SheetColumn("Kön", 8),
    SheetColumn("Kommunkod", 11, field="kommun"),
    SheetColumn("Folkbokföringskommun", 20),
    SheetColumn("Ålder vid inskrivning", 10, "int"),
    SheetColumn("Yngre än 30 år", 9),
    SheetColumn("Inskrivningsdatum", 12, "date", field="startdatum"),
    SheetColumn("Utskrivningsdatum", 12, "date", field="avslutningsdatum"),
    SheetColumn("Tid i offentlig försörjning före inskrivning", 18, field="forsorjning_tid"),
    SheetColumn("Sysselsättning vid inskrivning", 34),
    SheetColumn("Sysselsättning vid utskrivning", 34),
    SheetColumn("Avslutsanledning", 40, field="avslutningsanledning"),
)


def _block(when: str, suffix: str) -> tuple[SheetColumn, ...]:
    return (SheetColumn(f"Offentlig försörjning {when}", 34, field=f"forsorjning{suffix}"),
            SheetColumn(f"Aktivt arbetssökande {when}", 10,
                        field=f"aktivt_arbetssokande{suffix}"),
            SheetColumn(f"Arbetar {when}", 9, field=f"arbetar{suffix}"),
            SheetColumn(f"Arbete % {when}", 9, "int", field=f"arbete_procent{suffix}"),
            SheetColumn(f"Arbetstyp {when}", 22, field=f"arbete_typ{suffix}"),
            SheetColumn(f"Studerar {when}", 9, field=f"studerar{suffix}"),
            SheetColumn(f"Studie % {when}", 9, "int", field=f"studie_procent{suffix}"))


FULL = (SheetColumn("Stadsdel", 18, field="stadsdel"),
        SheetColumn("Utbildning", 26, field="utbildning"),
        *_block("före", "_fore"), *_block("efter", "_efter"))


def columns(*, identity: bool, full: bool) -> tuple[SheetColumn, ...]:
    return (*(IDENTITY if identity else ()), *SUMMARY, *(FULL if full else ()))


IMPORT_COLUMNS = columns(identity=True, full=True)


def options(field: str) -> OptionList:
    """The option list of a sheet field (the _efter fields share the _fore lists)."""
    return _options(field, forms_dir_setting())


# The caches below are process-wide: option labels from the form definitions, keyed by the
# forms directory setting they were read under (``forms``, None: the repository's forms), since
# a test may point it elsewhere; reading the setting is cheap enough for every row.
@cache
def _options(field: str, forms: str | None) -> OptionList:
    form = "9449" if field == "avslutningsanledning" else "9448"
    definition = load_form(form, forms_dir=Path(forms) if forms else None)
    name = field.replace("_efter", "_fore") if form == "9448" else field
    found = definition.field(name).options
    assert found is not None
    return found


@cache
def _labels(field: str, forms: str | None) -> dict[str, str]:
    return {option.code: option.label for option in _options(field, forms).options}


def _label(field: str, code: str | None, forms: str | None) -> str:
    if code is None:
        return ""
    return _labels(field, forms).get(code, code)


def occupation(registration: Mapping[str, Any], suffix: str) -> str:
    """Sysselsättning in words, e.g. "Arbete 50 % (subventionerat arbete); Studier 25 %"."""
    return _occupation(*_OCCUPATION[suffix](registration), forms_dir_setting())


_OCCUPATION = {suffix: itemgetter(*(f"{name}{suffix}" for name in (
    "arbetar", "arbete_typ", "arbete_procent", "studerar", "studie_procent",
    "aktivt_arbetssokande"))) for suffix in ("_fore", "_efter")}


@cache  # a few dozen combinations over any number of rows (the export's hot path)
def _occupation(works: bool | None, kind: str | None, extent: int | None, studies: bool | None,
                study_extent: int | None, seeking: bool | None, forms: str | None) -> str:
    if works is None:
        return "Ingen mätning"
    parts = []
    if works:
        parts.append(f"Arbete {extent} % ({_label('arbete_typ_fore', kind, forms)})")
    if studies:
        parts.append(f"Studier {study_extent} %")
    if seeking:
        parts.append("Aktivt arbetssökande")
    return SUPPORT_SEPARATOR.join(parts) or "Varken arbete eller studier"


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Ja" if value else "Nej")


def row_values(r: Mapping[str, Any], supports: Mapping[str, list[str]], *, identity: bool,
               full: bool) -> list[object]:
    """A registration's columns by name (with ``insats_name``, and ``personnummer`` and
    ``name`` for ``identity``) as the sheet's row (``supports``: measurement -> kinds)."""
    values: list[object] = []
    forms = forms_dir_setting()
    if identity:
        values += [Personnummer.from_digits(r["personnummer"]).formatted, r["name"]]
    reason, kommun, age = r["end_reason"], r["kommun"], r["age_at_start"]
    values += [
        r["insats_name"], KON.get(r["kon"], r["kon"]), kommun, _kommun_name(kommun), age,
        # No age: a samordningsnummer without a full birth date.
        "Okänd" if age is None else ("Ja" if age < 30 else "Nej"), r["start_date"], r["end_date"],
        _label("forsorjning_tid", r["forsorjning_tid"], forms), occupation(r, "_fore"),
        occupation(r, "_efter") if r["end_date"] else "", _reason(reason, forms)]
    if full:
        values += [r["stadsdel"] or "", _label("utbildning", r["utbildning"], forms)]
        for measurement, suffix in (("fore", "_fore"), ("efter", "_efter")):
            values.append(_supports_text(tuple(supports.get(measurement, ())), forms))
            values += [_yes_no(r[f"aktivt_arbetssokande{suffix}"]),
                       _yes_no(r[f"arbetar{suffix}"]), r[f"arbete_procent{suffix}"],
                       _label("arbete_typ_fore", r[f"arbete_typ{suffix}"], forms),
                       _yes_no(r[f"studerar{suffix}"]), r[f"studie_procent{suffix}"]]
    return values


@cache
def _reason(code: str | None, forms: str | None) -> str:
    return f"{code} {_label('avslutningsanledning', code, forms)}" if code else ""


@cache
def _supports_text(kinds: tuple[str, ...], forms: str | None) -> str:
    """The kinds chosen, in words and in the form's order."""
    order = _support_order(forms)
    return SUPPORT_SEPARATOR.join(_label("forsorjning_fore", kind, forms) for kind in sorted(
        kinds, key=lambda k: order.get(k, len(order))))


@cache
def _support_order(forms: str | None) -> dict[str, int]:
    return {code: index for index, code in enumerate(_options("forsorjning_fore", forms).codes)}


@cache
def _kommun_name(code: str) -> str:
    try:
        return kommuner.kommun(code).name
    except KeyError:
        return code


def cell_date(value: object) -> object:
    """A date cell as a ``date`` (openpyxl reads dates as datetimes)."""
    if isinstance(value, datetime):
        return value.date()
    return value


def is_date(value: object) -> bool:
    return isinstance(value, date)
