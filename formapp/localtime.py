"""Times as a person in Sweden reads them: Europe/Stockholm, with summer time.

Stored and sealed moments stay in UTC (with their offset, in the records and the audit trail);
only what is shown is converted. A naive datetime is UTC: SQLite gives stored UTC moments back
without their zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Europe/Stockholm")


def local(moment: datetime) -> datetime:
    """``moment`` in Swedish time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_ZONE)


def local_text(moment: datetime | None, *, seconds: bool = False, zone: bool = False) -> str:
    """``2026-12-04 18:33`` (with ``:05`` for ``seconds``, `` CET``/`` CEST`` for ``zone``:
    documents that leave formapp say which time they mean); "" for None."""
    if moment is None:
        return ""
    pattern = "%Y-%m-%d %H:%M" + (":%S" if seconds else "") + (" %Z" if zone else "")
    return local(moment).strftime(pattern)


def utc_iso(moment: datetime) -> str:
    """The exact moment, for a ``<time datetime=…>`` attribute."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")
