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


MAX_KEPT_SIGNATURE = 200_000  # characters of the pad's JSON; more is not a finger's work


def keep_progress(draft: ConsentDraft, *, locale: str, name: str, signature: str) -> None:
    """What the participant had written, kept with the draft (encrypted) while it is locked.
    Nothing is checked here but size: it is checked as always when they sign."""
    draft.progress = {"locale": locale, "name": name[:200],
                      "signature": signature if len(signature) <= MAX_KEPT_SIGNATURE else ""}
    db.session.flush()


def kept_progress(draft: ConsentDraft, locale: str) -> dict[str, str]:
    """The kept name and signature for a page in ``locale`` (nothing for another language:
    the participant who changed language starts that text afresh)."""
    progress = draft.progress or {}
    if progress.get("locale") != locale:
        return {}
    return {"name": str(progress.get("name") or ""),
            "signature": str(progress.get("signature") or "")}


def is_locked(draft: ConsentDraft) -> bool:
    return draft.locked_at is not None
