"""Helpers for the FK 9448/9449 tests: consents taken through the real FK 9443 flow, and a
valid set of answers for each form."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from sqlalchemy import select

from formapp.cases.registration import register_participant
from formapp.clock import today
from formapp.extensions import db
from formapp.protection.lookup import personnummer_hashes
from formapp.records.models import Consent, Person
from formapp.webclient import Browser
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.world import World

PNR_MAN = "19121212-1212"
PNR_KVINNA = "19800101-0100"
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
        Person.personnummer_hmac.in_(personnummer_hashes(digits)))
        .order_by(Consent.signed_at.desc()))


def register_one(app: Flask, world: World, pnr: str = PNR_KVINNA) -> int:
    """A registration in insats A1 (through the store, on a consent from the real flow)."""
    consent = take_consent(app, world, pnr)
    registration = register_participant(consent, ANSWERS_9448,
                                         officer=world.users["deltagaransvarig"], today=today())
    db.session.commit()
    return registration.id


ONCE = re.compile(r'name="once" (?:type="hidden" )?value="([^"]+)"')


def once_of(html: str) -> str:
    match = ONCE.search(html)
    assert match, "the page carries no one-time token"
    return match.group(1)


def submit(browser: Browser, url: str, answers: dict[str, object], **extra: str):
    """GET the form page (for its token), then POST ``answers`` as a browser would."""
    page = browser.get(url)
    assert page.status_code == 200, page.status_code
    return browser.post(url, {**answers, "once": once_of(page.get_data(as_text=True)),
                              **extra})


def field_errors(html: str, name: str) -> list[str]:
    match = re.search(rf'id="f-{name}-errors"[^>]*>(.*?)</ul>', html, re.S)
    if not match:
        return []
    return [unescape(m) for m in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def option_labels(html: str, name: str) -> list[tuple[str, str]]:
    """(code, label) of every option rendered for question ``name``, in page order."""
    pattern = (rf'name="{name}" id="f-{name}-[^"]+"\s+value="([^"]+)"[^>]*>\s*<span>'
               r'(?:<span class="code">[^<]*</span> )?<span class="option-label">([^<]*)</span>')
    return [(code, unescape(label)) for code, label in re.findall(pattern, html)]


def option_helps(html: str, name: str) -> list[str]:
    block = html[html.index(f'id="q-{name}"'):]
    block = block[:block.index("</fieldset>")]
    return [unescape(" ".join(h.split()))
            for h in re.findall(r'<span class="option-help">(.*?)</span>', block, re.S)]
