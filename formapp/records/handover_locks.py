"""The hand-over lock of a consent draft, kept on the server.

When the tablet locks (idle, or the participant's "ge tillbaka") the draft is marked locked;
no participant page of it answers again until the officer, with their password, hands the
tablet back to the participant or ends the consent.
"""

from __future__ import annotations

from datetime import UTC, datetime

from formapp.extensions import db
from formapp.records.models import ConsentDraft


def lock_draft(draft: ConsentDraft, *, now: datetime | None = None) -> None:
    if draft.locked_at is None:
        draft.locked_at = now or datetime.now(UTC)
        db.session.flush()


def unlock_draft(draft: ConsentDraft) -> None:
    draft.locked_at = None
    db.session.flush()


def is_locked(draft: ConsentDraft) -> bool:
    return draft.locked_at is not None
