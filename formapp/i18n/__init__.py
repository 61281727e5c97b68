"""Languages: the locale registry, the two gettext domains, and the choice of locale.

Public API (see ``domains`` for which strings go where)::

    _p, _lp, _np      participant-facing strings (domain "messages", every locale)
    _o, _lo, _no      officer UI strings (domain "officer", sv and en)
    select_locale()   the request's locale id (Flask-Babel's selector)
    current_locale()  its LocaleInfo: id, name, direction, script
    registry()        the app's Registry (forms/locales.toml)
    participant_page  decorator: the participant's language choice applies to this view
    set_officer_locale(id), set_participant_locale(id)
    configure_i18n(app)

The translators' side (catalogs, consent texts as .po files, glossary, review, web fonts, the
``formapp i18n`` command) is the package ``formapp.translation``: it reads the form definitions
and the PDF fonts, which themselves use this package, so it lives above both.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from formapp.extensions import babel
from formapp.i18n.domains import (
    OFFICER_DOMAIN,
    PARTICIPANT_DOMAIN,
    TEMPLATE_FUNCTIONS,
    _lo,
    _lp,
    _no,
    _np,
    _o,
    _p,
)
from formapp.i18n.registry import LocaleInfo, Registry, RegistryError, load_registry
from formapp.i18n.selection import (
    current_locale,
    participant_page,
    registry,
    select_locale,
    set_officer_locale,
    set_participant_locale,
)

__all__ = [
    "OFFICER_DOMAIN",
    "PARTICIPANT_DOMAIN",
    "LocaleInfo",
    "Registry",
    "RegistryError",
    "_lo",
    "_lp",
    "_no",
    "_np",
    "_o",
    "_p",
    "configure_i18n",
    "current_locale",
    "load_registry",
    "participant_page",
    "registry",
    "select_locale",
    "set_officer_locale",
    "set_participant_locale",
]


def configure_i18n(app: Flask) -> None:
    """Flask-Babel with formapp's locale selector, and the template functions."""
    load_registry(app.config.get("FORMAPP_LOCALES_FILE"))  # a malformed registry fails at start
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(TEMPLATE_FUNCTIONS)
    app.context_processor(_locale_context)


def _locale_context() -> dict[str, Any]:
    current = current_locale()
    reg = registry()
    return {"page_locale": current,
            "officer_locales": [reg[i] for i in reg.officer_ids]}
