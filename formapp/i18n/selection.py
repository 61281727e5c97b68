"""Which locale a request is rendered in: chosen explicitly, never guessed.

A shared tablet's browser says nothing about the person holding it, so ``Accept-Language`` is
ignored. In order:

1. ``?lang=<id>`` in the URL, any locale of the registry;
2. on a participant page (a view marked with :func:`participant_page`), the participant's
   choice in the session (``set_participant_locale``, made by the participant's picker);
3. the officer's choice in the session (``set_officer_locale``: sv or en, the header switch);
4. the registry's source language, Swedish.

The two choices are kept apart so a participant who reads the consent in Arabic does not leave
the officer's pages in Arabic when the tablet is handed back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale

from formapp.i18n.registry import LocaleInfo, Registry, load_registry

OFFICER_SESSION_KEY = "locale"
PARTICIPANT_SESSION_KEY = "participant_locale"
URL_PARAMETER = "lang"
_PARTICIPANT_ATTR = "formapp_participant_page"

F = TypeVar("F", bound=Callable)


def registry() -> Registry:
    """The app's locale registry (``FORMAPP_LOCALES_FILE``, default ``forms/locales.toml``)."""
    return load_registry(current_app.config.get("FORMAPP_LOCALES_FILE"))


def participant_page(view: F) -> F:
    """Mark a view as a participant page: the participant's language choice applies to it."""
    setattr(view, _PARTICIPANT_ATTR, True)
    return view


def is_participant_page() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, _PARTICIPANT_ATTR, False))


def select_locale() -> str:
    """The locale id of this request (Flask-Babel's locale selector)."""
    locales = registry()
    if not has_request_context():  # CLI and background work: the source language
        return locales.source
    explicit = request.args.get(URL_PARAMETER)
    if explicit is not None and explicit in locales:
        return explicit
    if is_participant_page():
        chosen = session.get(PARTICIPANT_SESSION_KEY)
        if isinstance(chosen, str) and chosen in locales:
            return chosen
    chosen = session.get(OFFICER_SESSION_KEY)
    if isinstance(chosen, str) and chosen in locales.officer_ids:
        return chosen
    return locales.source


def current_locale() -> LocaleInfo:
    """The registry entry of this request's locale (``<html lang dir>``)."""
    return registry()[str(get_locale())]


def set_officer_locale(locale_id: str) -> bool:
    """Keep the officer's UI language in the session; False if it is not an officer locale."""
    if locale_id not in registry().officer_ids:
        return False
    session[OFFICER_SESSION_KEY] = locale_id
    return True


def set_participant_locale(locale_id: str) -> bool:
    """Keep the participant's language in the session; False if it is not in the registry."""
    if locale_id not in registry():
        return False
    session[PARTICIPANT_SESSION_KEY] = locale_id
    return True
