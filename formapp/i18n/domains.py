"""The two gettext domains and the functions that mark a string as belonging to one.

=============  ===================  ===========================================================
domain         locales              what
=============  ===================  ===========================================================
``messages``   all (registry)       everything a participant can see: 9443/9448/9449 questions,
                                    options, help, validation messages, participant pages,
                                    and shared chrome a participant also sees (error pages,
                                    form macros, the skip link, the demo banner)
``officer``    sv (source), en      what only officers and administrators see
=============  ===================  ===========================================================

Each function has one name per domain and per eagerness, and the name says both; there is no
``_`` (DESIGN.md §4: never a ``_`` that is sometimes lazy)::

    participant  _p(msgid, **vars)   _lp(msgid, **vars)   _np(singular, plural, num, **vars)
    officer      _o(msgid, **vars)   _lo(msgid, **vars)   _no(singular, plural, num, **vars)

``_p``/``_o`` translate now (inside a request: views, flash messages); ``_lp``/``_lo`` return a
lazy string translated when rendered (module level: form labels, validator messages, rule
messages of store functions). Templates call the same names (``{{ _o("Spara") }}``); they are
Jinja globals. msgids are Swedish; placeholders are ``%(name)s``. The extractor
(``formapp i18n extract``) tells the domains apart by these names alone.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import Domain, LazyString

PARTICIPANT_DOMAIN = "messages"
OFFICER_DOMAIN = "officer"

# Extraction keywords, in Babel's spec syntax: function name -> argument positions.
KEYWORDS: dict[str, dict[str, tuple[int, ...] | None]] = {
    PARTICIPANT_DOMAIN: {"_p": None, "_lp": None, "_np": (1, 2)},
    OFFICER_DOMAIN: {"_o": None, "_lo": None, "_no": (1, 2)},
}


class AppDomain(Domain):
    """A Flask-Babel domain whose loaded catalogs belong to the current app.

    Flask-Babel keeps them on the domain object, i.e. per process; two apps with different
    translation directories (tests, tools) would then share whichever loaded first.
    """

    def get_translations_cache(self, ctx: Any) -> dict:
        return current_app.extensions.setdefault("formapp.i18n.translations", {})


participant_domain = AppDomain(domain=PARTICIPANT_DOMAIN)
officer_domain = AppDomain(domain=OFFICER_DOMAIN)


def _p(msgid: str, **variables: Any) -> str:
    """A participant-facing string (domain ``messages``), translated now."""
    return participant_domain.gettext(msgid, **variables)


def _lp(msgid: str, **variables: Any) -> LazyString:
    """A participant-facing string (domain ``messages``), translated when rendered."""
    return participant_domain.lazy_gettext(msgid, **variables)


def _np(singular: str, plural: str, num: int, **variables: Any) -> str:
    """A participant-facing string with plural forms; ``%(num)d`` is ``num``."""
    return participant_domain.ngettext(singular, plural, num, **variables)


def _o(msgid: str, **variables: Any) -> str:
    """An officer UI string (domain ``officer``), translated now."""
    return officer_domain.gettext(msgid, **variables)


def _lo(msgid: str, **variables: Any) -> LazyString:
    """An officer UI string (domain ``officer``), translated when rendered."""
    return officer_domain.lazy_gettext(msgid, **variables)


def _no(singular: str, plural: str, num: int, **variables: Any) -> str:
    """An officer UI string with plural forms; ``%(num)d`` is ``num``."""
    return officer_domain.ngettext(singular, plural, num, **variables)


# What templates may call (registered as Jinja globals by formapp.i18n.init_app).
TEMPLATE_FUNCTIONS = {"_p": _p, "_np": _np, "_o": _o, "_no": _no}
