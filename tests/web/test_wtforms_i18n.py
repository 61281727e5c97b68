"""WTForms' own messages follow the page's language, from catalogs loaded once per process."""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField

from formapp.web.wtforms_i18n import _catalog


class _NumberForm(FlaskForm):
    class Meta:
        csrf = False

    number = IntegerField()


def _error() -> str:
    form = _NumberForm(formdata=MultiDict({"number": "x"}))
    assert not form.validate()
    return form.number.errors[0]


def _page_error(app: Flask, locale: str) -> str:
    with app.test_request_context("/login"):
        app.preprocess_request()
        with force_locale(locale):
            return _error()


def test_builtin_messages_are_in_the_page_language_and_loaded_once(app: Flask) -> None:
    assert _page_error(app, "sv") == "Inte ett giltigt heltal"
    assert _page_error(app, "ar") == "قيمة العدد الحقيقي غير صالحة."
    before = _catalog.cache_info()
    assert _page_error(app, "sv") == "Inte ett giltigt heltal"
    after = _catalog.cache_info()
    # Answered from the catalog read the first time, not from disk again.
    assert after.hits > before.hits and after.misses == before.misses


def test_a_locale_switched_during_the_request_is_followed(app: Flask) -> None:
    with app.test_request_context("/login"):
        app.preprocess_request()
        assert _error() == "Inte ett giltigt heltal"  # the default, Swedish
        with force_locale("fa"):
            assert _error() == "یک عدد درست نیست."
