"""Helpers for the FK 9448/9449 tests: consents taken through the real FK 9443 flow, and a
valid set of answers for each form."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from formapp.clock import today
from formapp.extensions import db
from formapp.records.models import Consent, Person
from formapp.records.registrations import register_participant
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.world import World

PNR_MAN = "19121212-1212"
PNR_KVINNA = "19800101-0001"
START = "2025-02-03"

ANSWERS_9448: dict[str, object] = {
    "namn": "Testperson Exempelsson",
    "startdatum": START,
    "kommun": "2480",
    "utbildning": "gymnasium",
    "forsorjning_tid": "upp_till_2",
    "forsorjning_fore": ["a_kassa", "forsorjningsstod"],
    "aktivt_arbetssokande_fore": "ja",
    "arbetar_fore": "nej",
    "studerar_fore": "ja",
    "studie_procent_fore": "50",
}

ANSWERS_9449: dict[str, object] = {
    "namn": "Testperson Exempelsson",
    "avslutningsdatum": "2025-06-30",
    "avslutningsanledning": "1",
    "forsorjning_efter": ["ingen"],
    "aktivt_arbetssokande_efter": "nej",
    "arbetar_efter": "ja",
    "arbete_procent_efter": "75",
    "arbete_typ_efter": "subventionerat",
    "studerar_efter": "nej",
}


def take_consent(app: Flask, world: World, pnr: str = PNR_MAN) -> Consent:
    """A signed, sealed consent of ``pnr`` for insats A1, through the real web flow."""
    browser = officer(app, world)
    response = sign(browser, read_url(start(browser, world, pnr), "sv"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    hand_back(browser)
    db.session.expire_all()
    digits = pnr.replace("-", "")
    return db.session.scalar(select(Consent).join(Person).where(
        Person.personnummer == digits).order_by(Consent.signed_at.desc()))


def register_one(app: Flask, world: World, pnr: str = PNR_KVINNA) -> int:
    """A registration in insats A1 (through the store, on a consent from the real flow)."""
    consent = take_consent(app, world, pnr)
    registration = register_participant(consent, ANSWERS_9448,
                                         officer=world.users["deltagaransvarig"], today=today())
    db.session.commit()
    return registration.id
