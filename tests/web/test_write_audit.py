"""Every write of personal data and every signature is an audit entry (issue 17, point 10):
the actor, the record, which fields changed (names, never values) and, for a signature, the
text versions signed. The test walks each write path and finds its entry."""

from __future__ import annotations

import io
import json

from flask import Flask
from sqlalchemy import select

from formapp.extensions import db
from formapp.records.audit import person_key, verify_chain
from formapp.records.models import AuditEntry, Consent, Registration
from tests.imports.importing import finish_import
from tests.reports.test_excel import scanned_consent, sheet_of, valid_row
from tests.web.registration_helpers import (
    ANSWERS_9448,
    ANSWERS_9449,
    PNR_KVINNA,
    PNR_MAN,
    once_of,
    submit,
    take_consent,
)
from tests.web.test_consent_flow import officer, read_url, sign, start
from tests.world import build_world


def entry(action: str, subject: str | None = None) -> tuple[AuditEntry, dict]:
    db.session.expire_all()
    query = select(AuditEntry).where(AuditEntry.action == action)
    if subject is not None:
        query = query.where(AuditEntry.subject == subject)
    found = db.session.scalars(query.order_by(AuditEntry.id.desc())).first()
    assert found is not None, f"no audit entry {action} {subject or ''}"
    assert "Del Ansvarig" in found.actor and found.actor_id is not None
    return found, json.loads(found.details)


def test_every_write_of_personal_data_is_an_audit_entry(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    # The signature: which binding text and which translation were signed.
    sign(browser, read_url(start(browser, world, PNR_KVINNA), "en"))
    browser.get("/deltagare/tillbaka")
    browser.post("/deltagare/tillbaka", {"password": "test-password-123"})
    consent = db.session.scalar(select(Consent))
    signed, details = entry("consent.signed", f"consent:{consent.id}")
    assert details["binding_version"] == consent.binding_version
    assert details["read_version"] == consent.read_version is not None
    assert signed.person_key == person_key(PNR_KVINNA.replace("-", ""))

    # FK 9448, its rättelse, FK 9449, its rättelse, and the removal of reason 8.
    response = submit(browser, f"/samtycken/{consent.id}/inregistrering", ANSWERS_9448)
    registration_id = int(response.headers["Location"].rsplit("/", 1)[1])
    subject = f"registration:{registration_id}"
    registered, details = entry("registration.registered", subject)
    assert {"namn", "startdatum", "kommun", "utbildning"} <= set(details["fields"])
    assert details["consent_id"] == consent.id and registered.person_key == signed.person_key
    submit(browser, f"/registreringar/{registration_id}/rattelse",
           {**ANSWERS_9448, "utbildning": "grundskola"})
    assert entry("registration.corrected", subject)[1]["fields"] == ["utbildning"]
    submit(browser, f"/registreringar/{registration_id}/utregistrering", ANSWERS_9449)
    ended = entry("registration.ended", subject)[1]
    assert {"avslutningsanledning", "avslutningsdatum", "arbetar_efter"} <= set(
        ended["fields"]) and ended["end_reason"] == "1"
    submit(browser, f"/registreringar/{registration_id}/utregistrering/rattelse",
           {**ANSWERS_9449, "avslutningsdatum": "2025-06-20"})
    assert entry("registration.end_corrected", subject)[1]["fields"] == ["avslutningsdatum"]
    page = browser.get(f"/registreringar/{registration_id}/ta-bort").get_data(as_text=True)
    browser.post(f"/registreringar/{registration_id}/ta-bort",
                 {"once": once_of(page), "confirm": "y"})
    assert db.session.get(Registration, registration_id) is None
    erased = entry("registration.erased", subject)[1]
    assert "utbildning" in erased["fields"] and len(erased["documents_removed"]) == 4

    # A withdrawal that ends an open registration: both writes are entries.
    other = take_consent(app, world, PNR_MAN)
    response = submit(browser, f"/samtycken/{other.id}/inregistrering", ANSWERS_9448)
    other_id = int(response.headers["Location"].rsplit("/", 1)[1])
    browser.post(f"/samtycken/{other.id}/aterkalla", {"reason": "Återkallat i telefon.",
                                                      "bekraftat": "1"})
    by_withdrawal = entry("registration.ended", f"registration:{other_id}")[1]
    assert by_withdrawal["end_reason"] == "6" and "arbetar_efter" not in by_withdrawal["fields"]
    withdrawn, details = entry("consent.withdrawn", f"consent:{other.id}")
    assert {"status", "withdrawal_reason"} <= set(details["fields"])
    assert withdrawn.why == "Återkallat i telefon."

    # The import: one entry naming every registration it wrote.
    page = browser.get("/rapporter/import")
    assert page.status_code == 200
    finish_import(browser, browser.post("/rapporter/import", {
        "insats_id": str(world.insats_a1.id), "mode": "alla", "reason": "flytt",
        "file": (io.BytesIO(sheet_of(valid_row())), "deltagare.xlsx"),
        "scans": [(io.BytesIO(scanned_consent()), "2.pdf")]}))
    imported = entry("import_excel")[1]
    (new_id,) = db.session.scalars(select(Registration.id).where(
        Registration.id.not_in([other_id]))).all()
    assert imported["registration_ids"] == [str(new_id)]
    assert "utbildning" in imported["fields"] and imported["imported"] == 1

    # Field names only: no value of any form is in the trail.
    db.session.expire_all()
    trail = " ".join(e.details + e.why for e in db.session.scalars(select(AuditEntry)))
    for value in ("grundskola", "Testperson", "Exempelsson", "2025-06-20", "1980", "Ny Person"):
        assert value not in trail
    assert verify_chain().ok
