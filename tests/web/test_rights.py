"""The participant's rights end to end: registerutdrag (art. 15) and withdrawal from the
person's page (art. 7.3), by the förbund's administrator, audited."""

from __future__ import annotations

import io
import json

import pikepdf
import pytest
from flask import Flask
from sqlalchemy import select

from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.audit import person_key, verify_chain
from formapp.records.models import ArchivedDocument, AuditEntry, Consent
from formapp.webclient import Browser
from tests.archives import ARCHIVES
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.world import PASSWORD, build_world


def _admin(app: Flask, world) -> Browser:
    browser = Browser(app.test_client())
    browser.login(world.email("samverkansadmin"), PASSWORD)
    return browser


@pytest.mark.parametrize("archive_config", [ARCHIVES["local"], ARCHIVES["database-encrypted"],
                                            ARCHIVES["s3-encrypted"]],
                         ids=["local", "database", "s3"])
def test_registerutdrag_holds_everything_and_is_sealed_and_audited(app: Flask) -> None:
    world = build_world()
    taker = officer(app, world)
    sign(taker, read_url(start(taker, world), "fa"), name="Sara Exempel")
    hand_back(taker)
    consent = db.session.scalar(select(Consent))
    admin = _admin(app, world)
    page = admin.get(f"/forbund/{world.forbund_a.id}/personer")
    found = admin.post(f"/forbund/{world.forbund_a.id}/personer",
                       {"personnummer": "191212121212"})
    assert found.status_code == 302
    person_url = found.headers["Location"]
    assert "Sara Exempel" in admin.get(person_url).get_data(as_text=True)

    refused = admin.post(f"{person_url}/registerutdrag", {"why": ""})
    assert refused.status_code == 422
    pdf = admin.post(f"{person_url}/registerutdrag", {"why": "Begärt per brev 2026-11-20"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert evidence().check(pdf.data).ok
    with pikepdf.open(io.BytesIO(pdf.data)) as document:
        record = json.loads(document.attachments["record.json"].get_file().read_bytes())
    assert record["personnummer"] == "19121212-1212"
    assert [c["dokument_id"] for c in record["samtycken"]] == [consent.id]
    assert record["samtycken"][0]["läst_på"] == "fa"
    assert {e["vad"] for e in record["loggade_händelser"]} >= {"consent.signed",
                                                               "person.viewed"}
    as_json = admin.post(f"{person_url}/registerutdrag?format=json",
                         {"why": "Begärt per brev 2026-11-20"})
    assert json.loads(as_json.data)["samtycken"][0]["pdf_sha256"] == consent.pdf_sha256
    db.session.expire_all()
    assert db.session.scalar(select(ArchivedDocument).where(
        ArchivedDocument.kind == "registerutdrag")) is not None
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.person_key == person_key("191212121212"))).all()
    assert actions.count("gdpr.registerutdrag") == 2 and verify_chain().ok

    missing = admin.post(f"/forbund/{world.forbund_a.id}/personer",
                         {"personnummer": "19800101-1009"})
    assert "inga uppgifter" in missing.get_data(as_text=True)
    bad = admin.post(f"/forbund/{world.forbund_a.id}/personer", {"personnummer": "123"})
    assert bad.status_code == 200 and "12 siffror" in bad.get_data(as_text=True)
    assert page.status_code == 200


def test_withdrawal_from_the_persons_page(app: Flask) -> None:
    world = build_world()
    taker = officer(app, world)
    sign(taker, read_url(start(taker, world), "sv"))
    hand_back(taker)
    consent = db.session.scalar(select(Consent))
    admin = _admin(app, world)
    person_url = f"/personer/{consent.person_id}"
    admin.get(person_url)
    admin.post(f"{person_url}/samtycken/{consent.id}/aterkalla", {"reason": ""})
    db.session.expire_all()
    assert db.session.get(Consent, consent.id).status == "active"
    # Nothing happens before the confirmation step (as on the receipt page): the page asks,
    # names the person and the insats, and carries the reason along.
    asked = admin.post(f"{person_url}/samtycken/{consent.id}/aterkalla",
                       {"reason": "Mejl från personen 2026-11-21."})
    asked_page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Ja, återkalla samtycket" in asked_page
    assert 'name="reason" value="Mejl från personen 2026-11-21."' in asked_page
    assert consent.insats.name in asked_page
    assert f'href="{person_url}"' in asked_page  # "Avbryt" goes back to the person
    db.session.expire_all()
    assert db.session.get(Consent, consent.id).status == "active"
    done = admin.post(f"{person_url}/samtycken/{consent.id}/aterkalla",
                      {"reason": "Mejl från personen 2026-11-21.", "bekraftat": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith(person_url)
    db.session.expire_all()
    withdrawn = db.session.get(Consent, consent.id)
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawal_pdf_sha256
    assert evidence().check(evidence().archive.read(withdrawn.pdf_sha256)).ok  # proof kept
