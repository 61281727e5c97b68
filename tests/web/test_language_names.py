"""The officer reads a consent's reading language named in their own language too:
"arabiska (العربية)", "Arabic (العربية)" in English, the own name marked as Arabic."""

from __future__ import annotations

from flask import Flask

from tests.web.registration_helpers import take_consent
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.world import build_world

OWN = '<bdi lang="ar" dir="rtl">العربية</bdi>'


def test_the_receipt_names_the_reading_language_in_swedish_and_in_itself(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    sign(browser, read_url(start(browser, world), "ar"), name="سارا احمد")
    receipt_url = hand_back(browser)
    page = browser.get(receipt_url).get_data(as_text=True)
    assert f"arabiska ({OWN})" in page
    english = browser.get(f"{receipt_url}?lang=en").get_data(as_text=True)
    assert f"Arabic ({OWN})" in english


def test_the_question_language_menu_marks_each_name_with_its_direction(app: Flask) -> None:
    world = build_world()
    consent = take_consent(app, world)
    page = officer(app, world).get(f"/samtycken/{consent.id}/inregistrering").get_data(
        as_text=True)
    for locale in ("ar", "fa", "fa_AF", "ckb"):
        tag = page[page.index(f'<option value="{locale}"'):]
        tag = tag[:tag.index(">")]
        assert 'dir="rtl"' in tag, tag
    assert 'dir="ltr"' in page[page.index('<option value="ti"'):][:60]
