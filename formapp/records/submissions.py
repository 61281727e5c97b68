"""One-time form tokens: a page that stores something carries a token, and the store records
it with the result. Sending the same page twice (a double tap, a reload, a retry after a
timeout) then finds the token and shows the first result; the database's primary key settles
two submissions that race."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete

from formapp.extensions import db
from formapp.records.models import SubmissionToken, User

KEEP = timedelta(days=2)  # long enough for any retry; the table stays small
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # what new_token makes


def new_token() -> str:
    return secrets.token_urlsafe(32)


def is_token(token: str) -> bool:
    """A token as new_token makes them. Anything else (a NUL, which PostgreSQL can not even
    compare, or an edited page) is no token: the submission gets a fresh one."""
    return _TOKEN.fullmatch(token) is not None


def usable_token(token: str) -> str:
    return token if is_token(token) else new_token()


def earlier_result(token: str, user: User) -> str | None:
    """The result URL of an earlier submission of ``token`` by ``user``; None if unused."""
    if not is_token(token):
        return None
    row = db.session.get(SubmissionToken, token)
    return row.result_url if row is not None and row.user_id == user.id else None


def claim(token: str, user: User, result_url: str, *, now: datetime | None = None) -> None:
    """Record ``token`` as used; flushing raises IntegrityError if it already was."""
    now = now or datetime.now(UTC)
    db.session.execute(delete(SubmissionToken).where(SubmissionToken.created_at < now - KEEP))
    db.session.add(SubmissionToken(token=token[:43], user_id=user.id, result_url=result_url,
                                   created_at=now))
    db.session.flush()
