"""Counts without personal data: anonymous participants (per year and kön, by a
deltagaransvarig) and a volyminsats's participants (per year, by the insatsansvarig): the
years one may count in and the stored figures. Changing them is ``formapp.cases.counts``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select

from formapp.extensions import db
from formapp.records.models import AnonymousCount, Insats, VolumeCount

KONS = ("kvinna", "man")
MAX_CHANGE = 10_000  # one change larger than this is a typing error, not a group


def count_years(insats: Insats, today: date) -> list[int]:
    """The inregistreringsår one may count in: the insats's years up to this year."""
    last = min(insats.end_date.year if insats.end_date else today.year, today.year)
    return list(range(insats.start_date.year, last + 1))


def anonymous_counts(insats: Insats) -> dict[int, dict[str, int]]:
    """Per year: the count of each kön (0 where none was registered)."""
    result: dict[int, dict[str, int]] = {}
    for row in db.session.scalars(select(AnonymousCount).where(
            AnonymousCount.insats_id == insats.id)):
        result.setdefault(row.year, dict.fromkeys(KONS, 0))[row.kon] = row.count
    return dict(sorted(result.items()))


def volume_counts(insats: Insats) -> Mapping[int, int]:
    return {row.year: row.count for row in db.session.scalars(
        select(VolumeCount).where(VolumeCount.insats_id == insats.id)
        .order_by(VolumeCount.year))}
