"""The end of every way of logging in (password, password and code, identity provider), and
the half-way state between the password and the second factor.

The half-way state is in the cookie (signed) and names only the user, their session version
and when: it opens no page but the code page, and lasts a few minutes.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import redirect, session, url_for
from flask_login import login_user
from werkzeug.wrappers import Response

from formapp.extensions import db
from formapp.i18n import set_officer_locale
from formapp.i18n.selection import OFFICER_SESSION_KEY
from formapp.records.models import User
from formapp.web.session import begin_login_session

PENDING_KEY = "pending_login"
PENDING_SECONDS = 5 * 60


def safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would hand the session to someone else."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


def complete_login(user: User, method: str, *, id_token: str | None = None) -> None:
    """A new session for ``user`` (nothing carried over but the language); the caller
    commits nothing more and redirects or renders."""
    user.last_login_at = datetime.now(UTC)
    user.last_login_method = method
    db.session.commit()
    language = session.get(OFFICER_SESSION_KEY)
    session.clear()
    if language:
        set_officer_locale(language)
    login_user(user)
    begin_login_session(user, method=method, id_token=id_token)
    db.session.commit()


def login_and_redirect(user: User, method: str, target: str, *,
                       id_token: str | None = None) -> Response:
    complete_login(user, method, id_token=id_token)
    return redirect(target)


def begin_pending(user: User, target: str) -> None:
    """The password was right; the second factor is next."""
    language = session.get(OFFICER_SESSION_KEY)
    session.clear()
    if language:
        set_officer_locale(language)
    session[PENDING_KEY] = {"user": user.id, "version": user.session_version,
                            "next": target, "at": time.time()}


def pending_user() -> tuple[User, str] | None:
    """The user half-way through logging in, and where they were going; None when there is
    none, it is too old, or the account changed meanwhile."""
    state: Any = session.get(PENDING_KEY)
    if not isinstance(state, dict) or time.time() - float(state.get("at", 0)) > PENDING_SECONDS:
        return None
    user = db.session.get(User, int(state.get("user", 0)))
    if user is None or not user.is_active or user.session_version != state.get("version"):
        return None
    return user, safe_next(state.get("next"))


def drop_pending() -> None:
    session.pop(PENDING_KEY, None)
