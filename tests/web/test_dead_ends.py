"""No dead ends on the officer's everyday paths: skyddad identitet leads on to the anonymous
count, a refused second consent links to the one there is, a person not found is an answer (not
an input error), and an empty consent start flags every missing field at once."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from sqlalchemy import select

from formapp.extensions import db
from formapp.records.models import Consent
from formapp.webclient import Browser
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.world import PASSWORD, build_world

GENERIC = "Något behöver rättas. Se meddelandena vid fälten."


def errors_at(page: str, field: str) -> list[str]:
    match = re.search(rf'id="{field}-errors">(.*?)</ul>', page, re.S)
    return [unescape(m) for m in re.findall(r"<li>(.*?)</li>", match.group(1))] if match else []


def test_skyddad_identitet_leads_to_the_anonymous_registration(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    response = start(browser, world, skyddad="ja")
    assert response.headers["Location"] == f"/insatser/{world.insats_a1.id}/anonyma"
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "registreras anonymt" in page and "Räkna deltagaren här" in page


def test_a_second_consent_is_refused_with_a_link_to_the_active_one(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    sign(browser, read_url(start(browser, world), "sv"))
    hand_back(browser)
    consent = db.session.scalar(select(Consent))
    page = start(browser, world, pnr="191212121212").get_data(as_text=True)
    assert "redan ett aktivt samtycke" in page
    assert f'href="/samtycken/{consent.id}"' in page


def test_an_empty_consent_start_flags_every_missing_field_at_once(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    url = f"/insatser/{world.insats_a1.id}/samtycke"
    browser.get(url)
    page = browser.post(url, {}).get_data(as_text=True)
    assert errors_at(page, "skyddad_identitet") and errors_at(page, "personnummer")
    assert errors_at(page, "place")
    page = browser.post(url, {"skyddad_identitet": "nej"}).get_data(as_text=True)
    assert errors_at(page, "personnummer") and errors_at(page, "place")


def test_a_person_not_found_is_an_answer_not_an_input_error(app: Flask) -> None:
    world = build_world()
    admin = Browser(app.test_client())
    admin.login(world.email("samverkansadmin"), PASSWORD)
    url = f"/forbund/{world.forbund_a.id}/personer"
    admin.get(url)
    response = admin.post(url, {"personnummer": "121212-1212"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and GENERIC not in page
    assert "inga uppgifter om 20121212-1212" in page  # the number searched, in 12 digits
    assert not errors_at(page, "personnummer")
