"""Sök deltagare: the participants of one insats, found by personnummer or name and filtered
by inregistrerings-/utregistreringsår and active or not (as in the SUS guide)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from formapp.clock import today
from formapp.extensions import db
from formapp.records.models import Insats, Person, Registration

STATUSES = ("alla", "aktiva", "inaktiva")
SORTS = {"personnummer": Person.personnummer, "namn": Registration.name,
         "startdag": Registration.start_date, "avslutningsdag": Registration.end_date}
LIMIT = 200


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


def search_query(insats: Insats, search: Search) -> Select:
    query = (select(Registration).join(Person, Registration.person_id == Person.id)
             .where(Registration.insats_id == insats.id))
    text = " ".join(search.query.split())
    if text:
        digits = "".join(c for c in text if c in "0123456789")
        if digits and len(digits) >= len(text.replace("-", "").replace(" ", "")):
            query = query.where(Person.personnummer.contains(digits, autoescape=True))
        else:
            pattern = text.lower()
            query = query.where(or_(
                Registration.name.ilike(f"%{pattern}%"), Person.name.ilike(f"%{pattern}%")))
    if search.start_year:
        query = query.where(_year(Registration.start_date, search.start_year))
    if search.end_year:
        query = query.where(_year(Registration.end_date, search.end_year))
    if search.status == "aktiva":
        query = query.where(Registration.end_date.is_(None))
    elif search.status == "inaktiva":
        query = query.where(Registration.end_date.is_not(None))
    column = SORTS.get(search.sort, Person.personnummer)
    order = column.desc() if search.descending else column.asc()
    return query.order_by(order, Registration.id)


def search_participants(insats: Insats, search: Search, limit: int = LIMIT) -> list[Registration]:
    return list(db.session.scalars(search_query(insats, search).limit(limit)))


def registration_years(insats: Insats) -> list[int]:
    """Years from the insats's start to now, for the year filters."""
    last = insats.end_date.year if insats.end_date else today().year
    return list(range(insats.start_date.year, max(last, insats.start_date.year) + 1))
