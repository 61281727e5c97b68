"""Searching the audit trail (administrators): by person (their keyed hash), user, action and
date range, newest first, a page at a time; each entry shown is checked against the chain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from formapp.extensions import db
from formapp.records.audit import GENESIS, entry_hash
from formapp.records.models import AuditEntry

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditQuery:
    """What to find. ``forbund_id`` None means every förbund (system administrator only);
    ``person_keys`` None means anyone, else the keyed hashes of one personnummer."""

    forbund_id: int | None = None
    person_keys: Sequence[str] | None = None
    actor: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int
    page: int
    intact: dict[int, bool] = field(default_factory=dict)  # entry id -> hash and link agree

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _filtered(query: AuditQuery, *columns: Any) -> Select:
    # Annotated: mypy 1.x crashes inferring select()'s overloads over *columns here.
    statement: Select = select(*columns) if columns else select(AuditEntry)
    if query.forbund_id is not None:
        statement = statement.where(AuditEntry.forbund_id == query.forbund_id)
    if query.person_keys is not None:
        statement = statement.where(AuditEntry.person_key.in_(list(query.person_keys)))
    if query.actor:
        statement = statement.where(AuditEntry.actor.icontains(query.actor, autoescape=True))
    if query.action:
        statement = statement.where(AuditEntry.action == query.action)
    if query.date_from:
        statement = statement.where(AuditEntry.at >= _day_start(query.date_from))
    if query.date_to:
        statement = statement.where(AuditEntry.at < _day_start(query.date_to + timedelta(1)))
    return statement


def search_audit(query: AuditQuery) -> AuditPage:
    total = db.session.scalar(_filtered(query, func.count(AuditEntry.id))) or 0
    page = min(max(1, query.page), max(1, -(-total // PAGE_SIZE)))
    entries = list(db.session.scalars(_filtered(query).order_by(AuditEntry.id.desc())
                                      .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    return AuditPage(entries, total, page, chain_links(entries))


def chain_links(entries: Sequence[AuditEntry]) -> dict[int, bool]:
    """Per entry: its content still gives its hash, and it follows the entry before it. The
    whole chain (and its head outside the database) is ``audit.verify_chain``."""
    result: dict[int, bool] = {}
    for entry in entries:
        previous = db.session.scalar(select(AuditEntry.hash).where(AuditEntry.id < entry.id)
                                     .order_by(AuditEntry.id.desc()).limit(1))
        follows = entry.prev_hash == (previous or GENESIS)
        result[entry.id] = follows and entry_hash(entry) == entry.hash
    return result


def actions(forbund_id: int | None) -> list[str]:
    """The actions there are entries of, for the filter."""
    statement = select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    if forbund_id is not None:
        statement = statement.where(AuditEntry.forbund_id == forbund_id)
    return list(db.session.scalars(statement))
