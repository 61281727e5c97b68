"""Logged-in sessions kept on the server (``LoginSession``), so that they can end for real.

The session cookie is signed but can be copied; what it carries is a random key whose SHA-256
is a row here. A session is live while its row is not ended and is younger than the absolute
lifetime, counted from the login and never extended by use.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, update

from formapp.extensions import db
from formapp.records.models import LoginSession, User

# Why a session ended, as kept in ``LoginSession.end_reason``.
LOGOUT = "logout"
PASSWORD_CHANGED = "password_changed"
HANDBACK_FAILURES = "handback_failures"
SECOND_FACTOR_REQUIRED = "second_factor"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("ascii", "replace")).hexdigest()


def _lifetime() -> timedelta:
    return current_app.config["PERMANENT_SESSION_LIFETIME"]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def start_session(user: User, *, method: str | None = None, id_token: str | None = None,
                  now: datetime | None = None) -> str:
    """A new session for ``user``, signed in to by ``method`` (with an identity provider's
    ``id_token``); returns the key the cookie carries (never stored)."""
    now = now or datetime.now(UTC)
    key = secrets.token_urlsafe(32)
    db.session.add(LoginSession(key_hash=_hash(key), user_id=user.id, started_at=now,
                                method=method, id_token=id_token))
    # Sessions long over are of no further use: keep the table small.
    db.session.execute(delete(LoginSession).where(
        LoginSession.started_at < now - 2 * _lifetime()))
    db.session.flush()
    return key


def live_session(key: object, user_id: int, *, now: datetime | None = None,
                 ) -> LoginSession | None:
    """The session of this key if it belongs to ``user_id``, has not ended and is within
    its absolute lifetime; otherwise None (the caller logs out)."""
    if not isinstance(key, str) or not key:
        return None
    row = db.session.get(LoginSession, _hash(key))
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return None
    if (now or datetime.now(UTC)) - _aware(row.started_at) >= _lifetime():
        return None
    return row


def end_session(key: object, reason: str, *, now: datetime | None = None) -> None:
    if not isinstance(key, str) or not key:
        return
    db.session.execute(update(LoginSession).where(
        LoginSession.key_hash == _hash(key), LoginSession.ended_at.is_(None),
    ).values(ended_at=now or datetime.now(UTC), end_reason=reason))
    db.session.flush()


def end_other_sessions(user: User, reason: str, *, keep: object = None,
                       now: datetime | None = None) -> int:
    """End every live session of ``user`` but the one of ``keep``; how many ended."""
    conditions = [LoginSession.user_id == user.id, LoginSession.ended_at.is_(None)]
    if isinstance(keep, str) and keep:
        conditions.append(LoginSession.key_hash != _hash(keep))
    result = db.session.execute(update(LoginSession).where(*conditions).values(
        ended_at=now or datetime.now(UTC), end_reason=reason))
    db.session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def count_handback_failure(session: LoginSession) -> int:
    """One more wrong password at this session's hand-back; the count so far."""
    session.handback_failures = (session.handback_failures or 0) + 1
    db.session.flush()
    return session.handback_failures

