"""Logged-in sessions: Flask-Login with a session version and an idle timeout."""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from formapp.extensions import db, login_manager
from formapp.i18n import _lo
from formapp.records.models import User

LAST_SEEN_KEY = "last_seen"


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    """``id:version``; an older version (password changed, account closed) is logged out."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    # Its permissions too: every page asks them (the menu, the access checks).
    user = db.session.get(User, int(user_id), options=(joinedload(User.grants),))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def _enforce_idle_timeout() -> Response | None:
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = time.time()
    idle_limit = current_app.config["FORMAPP_IDLE_MINUTES"] * 60
    last_seen = session.get(LAST_SEEN_KEY, now)
    if now - last_seen > idle_limit:
        logout_user()
        session.clear()
        flash(_lo("Du har varit inaktiv för länge och har loggats ut."), "info")
        return redirect(url_for("auth.login", next=request.full_path))
    session[LAST_SEEN_KEY] = now
    return None


def configure_session(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _lo("Logga in för att se sidan.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(_enforce_idle_timeout)
