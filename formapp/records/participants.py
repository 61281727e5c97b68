"""Sök deltagare: the participants of one insats, found by personnummer or name and filtered
by inregistrerings-/utregistreringsår and active or not (as in the SUS guide).

Personnummer and names are encrypted, so SQL narrows by insats, year and status (and, for a
whole personnummer, by its keyed hash); a partial number or a name is matched, and every sort
made, on the decrypted values of that one insats's participations, which bounds the work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import InstrumentedAttribute, contains_eager

from formapp.clock import today
from formapp.domain.personnummer import PersonnummerError, parse_personnummer
from formapp.extensions import db
from formapp.protection.lookup import personnummer_hashes
from formapp.records.models import Insats, Person, Registration

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

STATUSES = ("alla", "aktiva", "inaktiva")
LIMIT = 200


def _text_key(value: str | None) -> str:
    return (value or "").casefold()


def _date_key(value: date | None) -> date:
    return value or date.max  # an open end sorts after every ended one


SORTS: dict[str, Callable[[Registration], SupportsRichComparison]] = {
    "personnummer": lambda r: r.person.personnummer,
    "namn": lambda r: _text_key(r.name),
    "startdag": lambda r: r.start_date,
    "avslutningsdag": lambda r: _date_key(r.end_date),
}


@dataclass(frozen=True)
class Search:
    query: str = ""
    start_year: int | None = None
    end_year: int | None = None
    status: str = "alla"
    sort: str = "personnummer"
    descending: bool = False


def _year(column: InstrumentedAttribute, year: int) -> ColumnElement[bool]:
    # A range, not EXTRACT(): portable and it can use the (insats_id, start_date) index.
    return column.between(date(year, 1, 1), date(year, 12, 31))


def whole_personnummer(text: str) -> str | None:
    """The 12 digits when ``text`` is a valid personnummer (searched by its keyed hash)."""
    try:
        return parse_personnummer(text, today=today()).digits
    except PersonnummerError:
        return None


def _digits_only(text: str) -> str | None:
    digits = "".join(c for c in text if c in "0123456789")
    return digits if digits and len(digits) >= len(text.replace("-", "").replace(" ", "")) \
        else None


def search_query(insats: Insats, search: Search) -> Select:
    """What SQL can decide: insats, years, status, and a whole personnummer by its hash."""
    query = (select(Registration).join(Person, Registration.person_id == Person.id)
             .options(contains_eager(Registration.person))
             .where(Registration.insats_id == insats.id))
    whole = whole_personnummer(search.query.strip())
    if whole:
        query = query.where(Person.personnummer_hmac.in_(personnummer_hashes(whole)))
    if search.start_year:
        query = query.where(_year(Registration.start_date, search.start_year))
    if search.end_year:
        query = query.where(_year(Registration.end_date, search.end_year))
    if search.status == "aktiva":
        query = query.where(Registration.end_date.is_(None))
    elif search.status == "inaktiva":
        query = query.where(Registration.end_date.is_not(None))
    return query.order_by(Registration.id)


def _matches(registration: Registration, text: str) -> bool:
    digits = _digits_only(text)
    if digits:
        return digits in registration.person.personnummer
    pattern = text.casefold()
    return pattern in _text_key(registration.name) or pattern in _text_key(
        registration.person.name)


def search_participants(insats: Insats, search: Search, limit: int = LIMIT) -> list[Registration]:
    text = " ".join(search.query.split())
    found = list(db.session.scalars(search_query(insats, search)).unique())
    if text and not whole_personnummer(text):
        found = [r for r in found if _matches(r, text)]
    key = SORTS.get(search.sort, SORTS["personnummer"])
    found.sort(key=lambda r: r.id)  # ties keep the order of registration
    found.sort(key=key, reverse=search.descending)
    return found[:limit]


def registration_years(insats: Insats) -> list[int]:
    """Years from the insats's start to now, for the year filters."""
    last = insats.end_date.year if insats.end_date else today().year
    return list(range(insats.start_date.year, max(last, insats.start_date.year) + 1))
