"""Login throttling: too many failures lock the account (whatever the password) for a while,
and too many from one address slow that address down. Guessing a password takes forever."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute

from formapp.extensions import db
from formapp.records.models import LoginFailure


def _account_key(email: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"login:" + email.strip().lower().encode(),
                    hashlib.sha256).hexdigest()


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["FORMAPP_LOGIN_LOCK_MINUTES"])


def _count(column: InstrumentedAttribute[str], value: str, now: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(LoginFailure).where(
        column == value, LoginFailure.at >= now - _window())) or 0


def is_locked(email: str, address: str, *, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    config = current_app.config
    return (_count(LoginFailure.account_key, _account_key(email), now)
            >= config["FORMAPP_LOGIN_MAX_FAILURES"]
            or _count(LoginFailure.address, address, now)
            >= config["FORMAPP_LOGIN_MAX_FAILURES_PER_ADDRESS"])


def record_failure(email: str, address: str, *, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    db.session.add(LoginFailure(account_key=_account_key(email), address=address[:64], at=now))
    # Old failures are of no use: keep the table small.
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - 2 * _window()))
    db.session.flush()


def clear_failures(email: str) -> None:
    db.session.execute(delete(LoginFailure).where(
        LoginFailure.account_key == _account_key(email)))
    db.session.flush()
