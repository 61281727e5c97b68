"""One person's participations in one insats never overlap (issue 17): FK 9448, its rättelse,
the FK 9449 rättelse and the import all refuse a period that shares a day with another one.
Dates are inclusive; an open participation runs on without end."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from formapp.extensions import db
from formapp.i18n import _lo
from formapp.records.models import Insats, Person, Registration


def overlaps(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    return start <= (other_end or date.max) and other_start <= (end or date.max)


def overlap_message(other_start: date, other_end: date | None) -> object:
    """A lazy message (rendered in the reader's language)."""
    if other_end is None:
        return _lo("Personen deltar redan i insatsen från %(start)s (pågår). Perioder i "
                       "samma insats får inte överlappa.", start=other_start.isoformat())
    return _lo("Personen deltar redan i insatsen %(start)s – %(end)s. Perioder i samma "
               "insats får inte överlappa.", start=other_start.isoformat(),
               end=other_end.isoformat())


def overlapping(person: Person, insats: Insats, start: date, end: date | None, *,
                exclude: Registration | None = None) -> Registration | None:
    """Another participation of ``person`` in ``insats`` that shares a day with start–end."""
    query = select(Registration).where(
        Registration.person_id == person.id, Registration.insats_id == insats.id,
        or_(Registration.end_date.is_(None), Registration.end_date >= start))
    if end is not None:
        query = query.where(Registration.start_date <= end)
    if exclude is not None and exclude.id is not None:
        query = query.where(Registration.id != exclude.id)
    return db.session.scalar(query.order_by(Registration.start_date).limit(1))
