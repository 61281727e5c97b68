"""Changing the counts without personal data: anonymous participants (per year and kön, by a
deltagaransvarig) and a volyminsats's participants (per year, by the insatsansvarig).

A change adds or removes a number; the stored count can never go below zero (checked here with
a clear message, and by the database). The row is locked while it changes; the case flushes,
the caller commits.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from formapp.extensions import db
from formapp.i18n import _lo
from formapp.records.counts import KONS, MAX_CHANGE, count_years
from formapp.records.errors import RuleViolation
from formapp.records.models import AnonymousCount, Insats, User, VolumeCount


def _check_change(insats: Insats, *, year: int, delta: int, today: date) -> None:
    if year not in count_years(insats, today):
        raise RuleViolation("year", _lo("Välj ett år då insatsen pågår, senast i år."))
    if delta == 0 or abs(delta) > MAX_CHANGE:
        raise RuleViolation("amount", _lo("Ange ett antal från 1 till %(max)d.", max=MAX_CHANGE))


def _apply(row: AnonymousCount | VolumeCount, delta: int, by: User, now: datetime) -> None:
    if row.count + delta < 0:
        raise RuleViolation("amount", _lo(
            "Det går inte att ta bort fler än som är registrerade (%(count)d).", count=row.count))
    row.count += delta
    row.updated_at = now
    row.updated_by_id = by.id


def locked_anonymous_count(insats: Insats, *, year: int, kon: str) -> AnonymousCount:
    """The anonymous count of one kön and year, locked until the commit (a new row at 0 where
    none was registered): two changes at once add up instead of one overwriting the other."""
    row = db.session.scalar(select(AnonymousCount).where(
        AnonymousCount.insats_id == insats.id, AnonymousCount.year == year,
        AnonymousCount.kon == kon).with_for_update())
    if row is None:
        row = AnonymousCount(insats_id=insats.id, year=year, kon=kon, count=0)
        db.session.add(row)
    return row


def change_anonymous_count(insats: Insats, *, year: int, kon: str, delta: int, by: User,
                           today: date, now: datetime | None = None) -> AnonymousCount:
    """Add (``delta`` > 0) or remove anonymous participants of one kön and year."""
    if insats.is_volyminsats:
        raise RuleViolation("amount", _lo("I en volyminsats registreras bara antal deltagare."))
    if kon not in KONS:
        raise RuleViolation("kon", _lo("Välj kvinnor eller män."))
    _check_change(insats, year=year, delta=delta, today=today)
    row = locked_anonymous_count(insats, year=year, kon=kon)
    _apply(row, delta, by, now or datetime.now(UTC))
    db.session.flush()
    return row


def change_volume_count(insats: Insats, *, year: int, delta: int, by: User, today: date,
                        now: datetime | None = None) -> VolumeCount:
    """Add or remove participants of a volyminsats in one year (not by kön)."""
    if not insats.is_volyminsats:
        raise RuleViolation("amount", _lo("Insatsen är ingen volyminsats."))
    _check_change(insats, year=year, delta=delta, today=today)
    row = db.session.scalar(select(VolumeCount).where(
        VolumeCount.insats_id == insats.id, VolumeCount.year == year).with_for_update())
    if row is None:
        row = VolumeCount(insats_id=insats.id, year=year, count=0)
        db.session.add(row)
    _apply(row, delta, by, now or datetime.now(UTC))
    db.session.flush()
    return row
