"""A registration's rows and its sealed FK 9448/9449 PDFs belong together (issue 17, point 4
for registrations): each PDF's sealed record.json names the registration (its consent, and
its id once it has one), the förbund and a keyed person key, and `formapp verify --all`
compares them with the row, so a registration pointed at another record's PDF is reported."""

from __future__ import annotations

import json
from io import BytesIO

import pikepdf
from flask import Flask
from sqlalchemy import update

from formapp.cases.deregistration import deregister
from formapp.cases.registration import correct_registration
from formapp.cli import cli
from formapp.clock import today
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.protection.current import keyring
from formapp.protection.lookup import PERSONNUMMER
from formapp.records.models import Registration, RegistrationRevision
from tests.web.registration_helpers import (
    ANSWERS_9448,
    ANSWERS_9449,
    PNR_KVINNA,
    PNR_MAN,
    register_one,
)
from tests.web.test_consent_flow import officer
from tests.world import World, build_world


def _record(digest: str) -> dict[str, object]:
    with pikepdf.Pdf.open(BytesIO(evidence().archive.read(digest))) as pdf:
        return json.loads(pdf.attachments["record.json"].get_file().read_bytes())


def _two(app: Flask) -> tuple[World, Registration, Registration]:
    world = build_world()
    first = db.session.get(Registration, register_one(app, world, PNR_KVINNA))
    second = db.session.get(Registration, register_one(app, world, PNR_MAN))
    return world, first, second


def _verify(app: Flask) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(cli, ["verify", "--all"])
    return result.exit_code, result.output


def _person_digest(record: dict[str, object]) -> str:
    key_id, _, digest = str(record["person_key"]).partition(":")
    assert key_id in keyring().lookup_keys
    return digest


def test_the_sealed_records_name_the_registration_forbund_and_person(app: Flask) -> None:
    world = build_world()
    registration = db.session.get(Registration, register_one(app, world))
    start = _record(registration.pdf_sha256)
    assert start["consent_document_id"] == registration.consent_id
    assert start["document_id"] == registration.document_id
    assert start["forbund_id"] == registration.forbund_id
    assert _person_digest(start) == keyring().lookup_hash(
        PERSONNUMMER, PNR_KVINNA.replace("-", ""))
    correct_registration(registration, {**ANSWERS_9448, "namn": "Ny Namnsson"},
                         by=world.users["deltagaransvarig"], today=today())
    deregister(registration, ANSWERS_9449, by=world.users["deltagaransvarig"], today=today())
    db.session.commit()
    for digest in (registration.pdf_sha256, registration.end_pdf_sha256):
        record = _record(digest)
        # Once the registration has its id, the PDFs name it too.
        assert record["registration_id"] == registration.id
        assert record["consent_document_id"] == registration.consent_id
        assert record["forbund_id"] == registration.forbund_id
        assert _person_digest(start) == _person_digest(record)
    assert _verify(app)[0] == 0


def test_a_registration_pointed_at_another_registrations_pdf_is_reported(app: Flask) -> None:
    world, first, second = _two(app)
    assert _verify(app)[0] == 0
    first_id, second_id, second_pdf = first.id, second.id, second.pdf_sha256
    db.session.execute(update(Registration).where(Registration.id == first_id)
                       .values(pdf_sha256=second_pdf))
    db.session.commit()

    code, output = _verify(app)
    assert code == 1, output
    failed = [line for line in output.splitlines() if line.startswith("FAIL")]
    assert any(f"registration {first_id}" in line and second_pdf in line
               for line in failed), failed
    assert not any(f"registration {second_id}:" in line for line in failed), failed
    # Its page does not hand out the other participant's PDF either.
    browser = officer(app, world)
    response = browser.get(f"/registreringar/{first_id}/pdf")
    assert response.status_code == 409 and not response.data.startswith(b"%PDF")
    assert "hör inte till" in response.get_data(as_text=True)
    assert browser.get(f"/registreringar/{second_id}/pdf").data.startswith(b"%PDF")


def test_an_ending_pointed_at_another_ending_is_reported(app: Flask) -> None:
    world, first, second = _two(app)
    for registration in (first, second):
        deregister(registration, ANSWERS_9449, by=world.users["deltagaransvarig"],
                   today=today())
    db.session.commit()
    assert _verify(app)[0] == 0
    db.session.execute(update(Registration).where(Registration.id == first.id)
                       .values(end_pdf_sha256=second.end_pdf_sha256))
    db.session.commit()
    code, output = _verify(app)
    assert code == 1
    assert f"registration {first.id}" in output and "FK 9449" in output
    response = officer(app, world).get(f"/registreringar/{first.id}/utregistrering.pdf")
    assert response.status_code == 409 and not response.data.startswith(b"%PDF")


def test_a_revision_pointed_at_another_pdf_is_reported(app: Flask) -> None:
    world, first, second = _two(app)
    correct_registration(first, {**ANSWERS_9448, "namn": "Ny Namnsson"},
                         by=world.users["deltagaransvarig"], today=today())
    db.session.commit()
    assert _verify(app)[0] == 0
    revision = first.revisions[0]
    db.session.execute(update(RegistrationRevision).where(RegistrationRevision.id == revision.id)
                       .values(previous_pdf_sha256=second.pdf_sha256))
    db.session.commit()
    code, output = _verify(app)
    assert code == 1
    assert f"registration {first.id}" in output and "earlier" in output
