"""Locale choice: explicit (URL or session), never guessed from a shared tablet's browser."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request, session

SESSION_KEY = "locale"


def select_locale() -> str:
    """The locale of this request: ``?lang=``, then the session, then Swedish."""
    available = current_app.config["FORMAPP_LANGUAGES"]
    if not has_request_context():  # CLI and background work: the default locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    explicit = getattr(g, "locale_override", None) or request.args.get("lang")
    if explicit in available:
        return explicit
    chosen = session.get(SESSION_KEY)
    if chosen in available:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
