"""A NUL typed into one of the paper forms (FK 9448 and FK 9449, new and rättelse) is refused at
its field with the form's own message, like every other unprintable character; only pages
that do not check their fields get the blanket 400 (web/security.py)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from formapp.cases.deregistration import deregister
from formapp.clock import today
from formapp.extensions import db
from formapp.records.models import Registration
from tests.web.registration_helpers import (
    ANSWERS_9448,
    ANSWERS_9449,
    field_errors,
    register_one,
    submit,
    take_consent,
)
from tests.web.test_consent_flow import officer
from tests.world import build_world

NUL_NAME = {"namn": "Te\x00st"}
MESSAGE = "osynligt styrtecken (U+0000)"


def _refused_at_the_name(response) -> bool:
    errors = field_errors(response.get_data(as_text=True), "namn")
    return response.status_code == 422 and any(MESSAGE in e for e in errors)


def test_a_nul_in_a_new_registration_or_deregistration_is_refused_at_the_field(
        app: Flask) -> None:
    world = build_world()
    consent = take_consent(app, world)
    browser = officer(app, world)
    assert _refused_at_the_name(submit(browser, f"/samtycken/{consent.id}/inregistrering",
                                       {**ANSWERS_9448, **NUL_NAME}))
    registration_id = register_one(app, world)
    assert _refused_at_the_name(submit(browser,
                                       f"/registreringar/{registration_id}/utregistrering",
                                       {**ANSWERS_9449, **NUL_NAME}))
    db.session.expire_all()
    assert db.session.get(Registration, registration_id).end_date is None


def test_a_nul_in_a_correction_is_refused_at_the_field(app: Flask) -> None:
    world = build_world()
    registration_id = register_one(app, world)
    browser = officer(app, world)
    base = f"/registreringar/{registration_id}"
    assert _refused_at_the_name(submit(browser, f"{base}/rattelse",
                                       {**ANSWERS_9448, **NUL_NAME}))
    deregister(db.session.get(Registration, registration_id), ANSWERS_9449,
               by=world.users["deltagaransvarig"], today=today())
    db.session.commit()
    assert _refused_at_the_name(submit(browser, f"{base}/utregistrering/rattelse",
                                       {**ANSWERS_9449, **NUL_NAME}))
    db.session.expire_all()
    names = db.session.scalars(select(Registration.end_answers)).all()
    assert all("\x00" not in str(answers) for answers in names)
