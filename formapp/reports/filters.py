"""What a report covers: one förbund (or, for the national report, several together), and
optionally a year, an insats, a kön and a priority group. The SQL conditions every query shares
live here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, true
from sqlalchemy.orm import InstrumentedAttribute

from formapp.domain.insatser import PRIORITY_GROUPS
from formapp.records.models import Insats, Registration

KONS = ("kvinna", "man")
PRIORITY_CODES = tuple(choice.code for choice in PRIORITY_GROUPS)


@dataclass(frozen=True)
class Filters:
    """``year`` None: every year. ``priority``: an insats mark (``prio_*``): only insatser
    marked with it. ``forbund_id`` a tuple: those förbund counted together (the national
    report, ``catalog.national_collation``; never built from a request: no role sees more
    than its own förbund)."""

    forbund_id: int | tuple[int, ...]
    year: int | None = None
    insats_id: int | None = None
    kon: str | None = None
    priority: str | None = None

    def __post_init__(self) -> None:
        if self.kon is not None and self.kon not in KONS:
            raise ValueError(f"unknown kön {self.kon!r}")
        if self.priority is not None and self.priority not in PRIORITY_CODES:
            raise ValueError(f"unknown priority group {self.priority!r}")


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def in_forbund(column: InstrumentedAttribute[int], forbund_id: int | tuple[int, ...]
              ) -> ColumnElement[bool]:
    """``column`` (a förbund id) in the scope. Several förbund as ``IN``, not no condition: the
    report index leads with the förbund, so PostgreSQL reads each one's range of it."""
    if isinstance(forbund_id, tuple):
        return column.in_(forbund_id)
    return column == forbund_id


def insats_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """On ``Insats``: the förbund, the insats, the priority mark."""
    conditions = [in_forbund(Insats.forbund_id, filters.forbund_id)]
    if filters.insats_id is not None:
        conditions.append(Insats.id == filters.insats_id)
    if filters.priority is not None:
        conditions.append(getattr(Insats, filters.priority).is_(True))
    return conditions


def registration_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """On ``Registration`` (joined to ``Insats`` for a priority group): all but the year."""
    conditions = [in_forbund(Registration.forbund_id, filters.forbund_id)]
    if filters.insats_id is not None:
        conditions.append(Registration.insats_id == filters.insats_id)
    if filters.kon is not None:
        conditions.append(Registration.kon == filters.kon)
    if filters.priority is not None:
        conditions.append(getattr(Insats, filters.priority).is_(True))
    return conditions


# Date ranges, not EXTRACT(): portable, and they can use an index on the dates.

def active_between(first: date, last: date) -> ColumnElement[bool]:
    """Participating at some time from ``first`` to ``last``."""
    return and_(Registration.start_date <= last,
                or_(Registration.end_date.is_(None), Registration.end_date >= first))


def active_in(year: int | None) -> ColumnElement[bool]:
    """Participating at some time during ``year`` (every registration when None)."""
    if year is None:
        return Registration.id.is_not(None)
    return active_between(*year_range(year))


def active_parts(year: int | None) -> tuple[ColumnElement[bool], ...]:
    """``active_in`` as disjoint conditions to count apart and add up: those ended on or after
    the year's first day, and those still open. Each is one range of the report index
    (förbund, end date); their OR would be read as a scan of the förbund's whole index."""
    if year is None:
        return (true(),)
    return active_parts_between(*year_range(year))


def active_parts_between(first: date, last: date) -> tuple[ColumnElement[bool], ...]:
    """``active_between`` as disjoint parts, as ``active_parts``."""
    return (and_(Registration.end_date >= first, Registration.start_date <= last),
            and_(Registration.end_date.is_(None), Registration.start_date <= last))


def started_in(year: int | None) -> ColumnElement[bool]:
    if year is None:
        return Registration.id.is_not(None)
    first, last = year_range(year)
    return Registration.start_date.between(first, last)


def ended_in(year: int | None) -> ColumnElement[bool]:
    if year is None:
        return Registration.end_date.is_not(None)
    first, last = year_range(year)
    return Registration.end_date.between(first, last)


def insats_runs_in(year: int | None) -> ColumnElement[bool]:
    if year is None:
        return Insats.id.is_not(None)
    first, last = year_range(year)
    return and_(Insats.start_date <= last,
                or_(Insats.end_date.is_(None), Insats.end_date >= first))
