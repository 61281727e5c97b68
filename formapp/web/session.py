"""Logged-in sessions: Flask-Login, a session kept on the server, and an idle timeout.

The cookie carries the user's ``id:version`` (Flask-Login) and the key of a ``LoginSession``
row. A user is logged in only while both hold: the version is the user's current one (a
password change or a removed permission bumps it) and the row is live (not logged out, within
the absolute lifetime counted from the login). Server-side rows rather than a per-user
generation alone, because logout must end this one session and not the officer's others.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from formapp.clock import today
from formapp.extensions import db, login_manager
from formapp.i18n import _lo
from formapp.records.login_sessions import (
    SECOND_FACTOR_REQUIRED,
    end_session,
    live_session,
    start_session,
)
from formapp.records.models import LoginSession, User
from formapp.records.sign_in import SECOND_FACTOR_METHODS, needs_second_factor

LAST_SEEN_KEY = "last_seen"
SESSION_KEY = "sid"


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    """``id:version``; an older version (password changed, account closed) or an ended
    session (logout, lifetime over) is logged out."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    login = live_session(session.get(SESSION_KEY), int(user_id))
    if login is None:
        return None
    # Its permissions too: every page asks them (the menu, the access checks).
    user = db.session.get(User, int(user_id), options=(joinedload(User.grants),))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    g.login_session = login
    return user


def begin_login_session(user: User, method: str | None = None,
                        id_token: str | None = None) -> None:
    """After a successful login: a new server-side session in a fresh cookie."""
    session[SESSION_KEY] = start_session(user, method=method, id_token=id_token)
    session.permanent = True
    session[LAST_SEEN_KEY] = time.time()


def current_login_session() -> LoginSession | None:
    """The server-side row of this request's session (once the user is loaded)."""
    return g.get("login_session") if current_user.is_authenticated else None


def finish_login_session(reason: str) -> None:
    """End this session on the server and in the cookie."""
    end_session(session.get(SESSION_KEY), reason)
    db.session.commit()
    logout_user()
    session.clear()


def _enforce_idle_timeout() -> Response | None:
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = time.time()
    idle_limit = current_app.config["FORMAPP_IDLE_MINUTES"] * 60
    last_seen = session.get(LAST_SEEN_KEY, now)
    if now - last_seen > idle_limit:
        finish_login_session("idle")
        flash(_lo("Du har varit inaktiv för länge och har loggats ut."), "info")
        return redirect(url_for("auth.login", next=request.full_path))
    session[LAST_SEEN_KEY] = now
    return None


def _enforce_second_factor() -> Response | None:
    """A session without a second factor ends once the user holds a role that requires one
    (a permission given after the login, or a session from before the rule)."""
    if request.endpoint in ("static", "auth.logout") or not current_user.is_authenticated:
        return None
    login = current_login_session()
    if login is None or login.method in SECOND_FACTOR_METHODS \
            or not needs_second_factor(current_user, today()):
        return None
    finish_login_session(SECOND_FACTOR_REQUIRED)
    flash(_lo("Din behörighet kräver inloggning med två faktorer. Logga in igen."), "info")
    return redirect(url_for("auth.login"))


def configure_session(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _lo("Logga in för att se sidan.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(_enforce_idle_timeout)
    app.before_request(_enforce_second_factor)
