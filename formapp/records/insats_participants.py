"""The insats page's participant list: its registrations (one row per participation, active or
ended), newest start first, a page at a time. Names and personnummer are encrypted: SQL pages by
start date and id, and only the page's rows are decrypted."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from formapp.extensions import db
from formapp.records.models import Insats, Registration

PAGE_SIZE = 50


@dataclass(frozen=True)
class ParticipantPage:
    registrations: list[Registration]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def participant_page(insats: Insats, page: int) -> ParticipantPage:
    """Page ``page`` (1-based; clamped to the last) of the insats's participations."""
    total = db.session.scalar(select(func.count(Registration.id)).where(
        Registration.insats_id == insats.id)) or 0
    page = min(max(1, page), max(1, -(-total // PAGE_SIZE)))
    rows = db.session.scalars(
        select(Registration).where(Registration.insats_id == insats.id)
        .options(joinedload(Registration.person))
        .order_by(Registration.start_date.desc(), Registration.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return ParticipantPage(list(rows), total, page)
