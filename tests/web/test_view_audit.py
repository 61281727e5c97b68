"""Every page and file that shows a person's data writes an audit entry: who (the user), when,
what (action, subject) and why, with the person's keyed hash so their registerutdrag lists it."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from formapp.cases.deregistration import deregister
from formapp.cases.registration import correct_registration
from formapp.clock import today
from formapp.extensions import db
from formapp.records.audit import person_key
from formapp.records.models import AuditEntry, Registration
from tests.web.registration_helpers import (
    ANSWERS_9448,
    ANSWERS_9449,
    PNR_KVINNA,
    PNR_MAN,
    register_one,
    take_consent,
)
from tests.web.test_consent_flow import officer
from tests.world import build_world

KVINNA = PNR_KVINNA.replace("-", "")


def entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_every_view_of_a_registration_is_audited(app: Flask) -> None:
    world = build_world()
    registration_id = register_one(app, world, PNR_KVINNA)
    registration = db.session.get(Registration, registration_id)
    correct_registration(registration, {**ANSWERS_9448, "namn": "Rätt Namn"},
                         by=world.users["deltagaransvarig"], today=today())
    db.session.commit()
    revision_id = registration.revisions[0].id
    browser = officer(app, world)
    base = f"/registreringar/{registration_id}"
    views = {
        base: "registration.viewed",
        f"{base}/pdf": "registration.pdf",
        f"{base}/historik/{revision_id}.pdf": "registration.revision_pdf",
        f"{base}/rattelse": "registration.correction_opened",
        f"{base}/utregistrering": "deregistration.form_opened",
        f"{base}/ta-bort": "registration.erasure_opened",
    }
    officer_id = world.users["deltagaransvarig"].id
    for url, action in views.items():
        assert browser.get(url).status_code == 200, url
        (entry,) = entries(action)
        assert entry.actor_id == officer_id and entry.why, action
        assert entry.subject == f"registration:{registration_id}"
        assert entry.person_key == person_key(KVINNA)
        assert entry.forbund_id == world.forbund_a.id

    deregister(db.session.get(Registration, registration_id), ANSWERS_9449,
               by=world.users["deltagaransvarig"], today=today())
    db.session.commit()
    assert browser.get(f"{base}/utregistrering.pdf").status_code == 200
    assert entries("deregistration.pdf")[0].person_key == person_key(KVINNA)
    assert browser.get(f"{base}/utregistrering/rattelse").status_code == 200
    assert len(entries("deregistration.correction_opened")) == 1


def test_lists_and_lookups_of_participants_are_audited(app: Flask) -> None:
    world = build_world()
    registration_id = register_one(app, world, PNR_KVINNA)
    consent = take_consent(app, world, PNR_MAN)  # waits for its registration
    browser = officer(app, world)
    insats = world.insats_a1.id

    assert browser.post(f"/insatser/{insats}/deltagare", {"q": PNR_KVINNA}).status_code == 200
    (search,) = entries("participants.searched")
    assert search.person_key == person_key(KVINNA)
    assert f"[{registration_id}]" in search.details and KVINNA not in search.details
    assert browser.post(f"/insatser/{insats}/deltagare", {"q": "Exempel"}).status_code == 200
    by_name = entries("participants.searched")[-1]
    assert by_name.person_key is None and "Exempel" not in by_name.details

    assert browser.get(f"/insatser/{insats}").status_code == 200
    assert consent.id in entries("consents.listed")[0].details
    gate = f"/insatser/{insats}/inregistrering"
    assert browser.get(gate).status_code == 200
    assert len(entries("consents.listed")) == 2
    browser.post(gate, {"personnummer": PNR_KVINNA})
    assert entries("registration.gate")[0].person_key == person_key(KVINNA)
    assert browser.get(f"/samtycken/{consent.id}/inregistrering").status_code == 200
    assert entries("registration.form_opened")[0].person_key == person_key(
        PNR_MAN.replace("-", ""))
