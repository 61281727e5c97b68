"""WTForms' own messages in the user's language, without reading the catalog every request.

flask-wtf loads WTForms' catalog from disk once per request (the first field label asks for
it), about a millisecond a page. It looks for ``request.wtforms_translations`` first; this
puts an object there that picks the catalog of the locale in force at each call (a participant
page switches locale during the request), each catalog loaded once per process.
"""

from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import Flask, request
from flask_babel import get_locale
from wtforms.i18n import messages_path


# Process-wide: the package's own WTForms catalog of a locale (files that never change).
@lru_cache(maxsize=64)
def _catalog(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _CurrentLocaleCatalog:
    """What flask-wtf calls: ``ugettext`` and ``ungettext``, in the current locale."""

    def ugettext(self, message: str) -> str:
        return _catalog(str(get_locale())).ugettext(message)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _catalog(str(get_locale())).ungettext(singular, plural, n)


_CATALOGS = _CurrentLocaleCatalog()
_TRANSLATIONS_ATTR = "wtforms_translations"


def configure_wtforms_i18n(app: Flask) -> None:
    @app.before_request
    def _cached_wtforms_catalogs() -> None:
        # Flask-WTF looks for this attribute on the request (a protocol, not a declared field).
        setattr(request, _TRANSLATIONS_ATTR, _CATALOGS)
