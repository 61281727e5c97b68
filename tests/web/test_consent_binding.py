"""A consent's row and its sealed PDF belong together: the PDF's sealed record.json names the
consent, its förbund and a keyed person key, and both `formapp verify --all` and the consent's
page compare them with the row, so a row pointed at another (validly sealed) PDF is reported."""

from __future__ import annotations

import json
from io import BytesIO

import pikepdf
from flask import Flask
from sqlalchemy import select, update

from formapp.cli import cli
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.protection.current import keyring
from formapp.protection.lookup import PERSONNUMMER
from formapp.records.models import Consent
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.world import build_world

OTHER_PNR = "19800101-0027"


def _two_consents(app: Flask) -> tuple[Consent, Consent, object]:
    world = build_world()
    browser = officer(app, world)
    for pnr in ("19121212-1212", OTHER_PNR):
        sign(browser, read_url(start(browser, world, pnr=pnr), "sv"))
        hand_back(browser)
    first, second = db.session.scalars(select(Consent).order_by(Consent.signed_at)).all()
    return first, second, browser


def _record(digest: str) -> dict[str, object]:
    with pikepdf.Pdf.open(BytesIO(evidence().archive.read(digest))) as pdf:
        return json.loads(pdf.attachments["record.json"].get_file().read_bytes())


def test_the_sealed_record_names_the_consent_forbund_and_person(app: Flask) -> None:
    first, _, _ = _two_consents(app)
    record = _record(first.pdf_sha256)
    assert record["consent_id"] == first.id and record["forbund_id"] == first.forbund_id
    key_id, _, digest = str(record["person_key"]).partition(":")
    assert digest == keyring().lookup_hash(PERSONNUMMER, "191212121212", key_id)
    assert digest == first.person.personnummer_hmac


def test_a_consent_pointed_at_another_consents_pdf_is_reported(app: Flask) -> None:
    first, second, browser = _two_consents(app)
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["verify", "--all"]).exit_code == 0
    first_pdf, second_pdf = first.pdf_sha256, second.pdf_sha256
    db.session.execute(update(Consent).where(Consent.id == first.id)
                       .values(pdf_sha256=second_pdf))
    db.session.execute(update(Consent).where(Consent.id == second.id)
                       .values(pdf_sha256=first_pdf))
    db.session.commit()

    result = runner.invoke(cli, ["verify", "--all"])
    assert result.exit_code == 1, result.output
    assert f"consent {first.id}" in result.output and f"consent {second.id}" in result.output

    page = browser.get(f"/samtycken/{first.id}").get_data(as_text=True)
    assert "Förseglat och oförändrat" not in page
    assert "Kontrollen av dokumentet misslyckades" in page and second.id in page
    pdf = browser.get(f"/samtycken/{first.id}/pdf")
    assert pdf.status_code != 200 and second_pdf.encode() not in pdf.data
    assert not pdf.data.startswith(b"%PDF")
