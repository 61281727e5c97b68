"""Every page a participant sees, in every locale: no Swedish source string left untranslated.

The consent pages (the text to read and sign, its error state, the thanks page) and the FK 9448
questions shown in the participant's language are rendered through the real app and compared
with every participant msgid that the locale's catalog translates differently.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from sqlalchemy import select

from formapp.extensions import db
from formapp.i18n import load_registry
from formapp.records.models import Consent
from tests.i18n.test_officer_english import visible_text
from tests.web.test_consent_flow import officer, read_url, sign, start
from tests.world import PASSWORD, build_world

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
LOCALES = list(load_registry(None).translated_ids)


@cache
def swedish_msgids(locale: str) -> tuple[str, ...]:
    """Participant msgids (no placeholders) whose translation in ``locale`` differs."""
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    return tuple(m.id for m in catalog
                 if isinstance(m.id, str) and m.id and "%(" not in m.id and m.string
                 and m.string != m.id and len(m.id) > 3)


def untranslated(html: str, locale: str) -> set[str]:
    parts = set(visible_text(html))
    return {msgid for msgid in swedish_msgids(locale) if msgid in parts}


@pytest.mark.parametrize("locale", LOCALES)
def test_no_swedish_left_on_participant_pages(app: Flask, locale: str) -> None:
    world = build_world()
    browser = officer(app, world)
    url = read_url(start(browser, world), locale)
    pages = {"read": browser.get(url).get_data(as_text=True),
             "read-errors": sign(browser, url, name=" ", signature="",
                                 confirmed=False).get_data(as_text=True)}
    assert 'class="field-errors"' in pages["read-errors"]
    sign(browser, url)
    pages["thanks"] = browser.get("/deltagare/klart").get_data(as_text=True)
    browser.get("/deltagare/tillbaka")
    browser.post("/deltagare/tillbaka", {"password": PASSWORD})
    consent = db.session.scalar(select(Consent))
    page = browser.get(f"/samtycken/{consent.id}/inregistrering?qlang={locale}") \
        .get_data(as_text=True)
    # The 9448 page is the officer's: only its questions follow the participant's language.
    # (from its own form on: the header's forms are the officer's, in the officer's language)
    form = page.index('<form method="post" action=')
    pages["9448"] = page[form:page.index("</form>", form)]
    left = {name: sorted(untranslated(html, locale)) for name, html in pages.items()}
    assert not any(left.values()), left
    assert re.search(rf'lang="{locale.replace("_", "-")}"', pages["read"])
