"""Samordningsnummer with an incomplete birth date, typed as people type them, through the real
consent flow and FK 9448: accepted, shown back in 12 digits, the age "okänd"."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from formapp.cases.registration import register_participant
from formapp.clock import today
from formapp.extensions import db
from formapp.records.models import Consent, Person
from tests.web.registration_helpers import ANSWERS_9448
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.world import build_world

# 1990-00-17 (month unknown), typed in Persian digits, 10 of them, with a space.
TYPED = "۹۰۰۰۷۷ ۱۲۳۹"
DIGITS = "199000771239"


def test_a_samordningsnummer_without_a_full_birth_date_registers_with_age_unknown(
        app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    response = start(browser, world, pnr=TYPED)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = browser.get(read_url(response, "sv")).get_data(as_text=True)
    assert "19900077-1239" in page  # the 12-digit form shown back to the participant
    assert sign(browser, read_url(response, "sv")).status_code == 302
    hand_back(browser)
    consent = db.session.scalar(select(Consent))
    person = db.session.get(Person, consent.person_id)
    assert person.personnummer == DIGITS and person.birth_date is None
    registration = register_participant(consent, ANSWERS_9448,
                                        officer=world.users["deltagaransvarig"], today=today())
    db.session.commit()
    assert registration.age_at_start is None
    shown = browser.get(f"/registreringar/{registration.id}").get_data(as_text=True)
    assert "19900077-1239" in shown and "okänd" in shown


def test_fodelsenummer_000_is_refused_with_a_clear_message(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    page = start(browser, world, pnr="19121212-0008").get_data(as_text=True)
    assert "000" in page and "delas aldrig ut" in page
