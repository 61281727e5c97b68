"""The consent gate without holes (issue 17, point 1): a withdrawal ends the open registration
as reason 6 with its receipt, in one transaction; afterwards every write path (FK 9448,
rättelse, FK 9449, import) writes no personal data, and the database refuses it too."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError

from formapp.cases.consent import withdraw_consent
from formapp.cases.deregistration import deregister
from formapp.cases.importing import import_rows
from formapp.cases.registration import register_participant
from formapp.clock import today
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.imports.reading import read_sheet
from formapp.protection.columns import bind_row
from formapp.records.errors import RuleViolation
from formapp.records.models import (
    ArchivedDocument,
    Consent,
    Registration,
    RegistrationSupport,
)
from formapp.webclient import Browser
from tests.reports.test_excel import sheet_of, valid_row
from tests.web.registration_helpers import (
    ANSWERS_9448,
    ANSWERS_9449,
    PNR_KVINNA,
    field_errors,
    register_one,
    submit,
)
from tests.web.test_consent_flow import officer
from tests.world import PASSWORD, World, build_world


def _registration(registration_id: int) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration_id)


def _withdraw_on_page(app: Flask, world: World, page: str, consent: Consent) -> None:
    if page == "consent":
        browser = officer(app, world)
        url = f"/samtycken/{consent.id}/aterkalla"
    else:
        browser = Browser(app.test_client())
        browser.login(world.email("samverkansadmin"), PASSWORD)
        browser.get(f"/personer/{consent.person_id}")
        url = f"/personer/{consent.person_id}/samtycken/{consent.id}/aterkalla"
    response = browser.post(url, {"reason": "Ringde i dag och återkallade.", "bekraftat": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]


@pytest.mark.parametrize("page", ["consent", "person"])
def test_withdrawal_ends_the_open_registration_as_reason_6_with_its_receipt(
        app: Flask, page: str) -> None:
    world = build_world()
    registration_id = register_one(app, world)
    consent = _registration(registration_id).consent
    _withdraw_on_page(app, world, page, consent)
    registration = _registration(registration_id)
    consent = registration.consent
    assert consent.status == "withdrawn" and consent.withdrawal_pdf_sha256
    assert consent.withdrawal_reason == "Ringde i dag och återkallade."
    assert registration.end_reason == "6" and registration.end_date == today()
    assert registration.arbetar_efter is None and registration.studerar_efter is None
    assert registration.aktivt_arbetssokande_efter is None
    assert registration.forsorjning_efter_bits == 0
    assert not [s for s in registration.supports if s.measurement == "efter"]
    # The ending is a sealed FK 9449 of its own, the withdrawal a sealed receipt.
    assert registration.end_answers["avslutningsanledning"] == "6"
    for digest in (registration.end_pdf_sha256, consent.withdrawal_pdf_sha256,
                   consent.pdf_sha256):
        assert evidence().check(evidence().archive.read(digest)).ok
    assert db.session.get(ArchivedDocument, registration.end_pdf_sha256).kind == "fk9449"


def test_a_withdrawal_that_fails_leaves_the_registration_open(app: Flask) -> None:
    world = build_world()
    registration_id = register_one(app, world)
    consent = _registration(registration_id).consent
    browser = officer(app, world)
    refused = browser.post(f"/samtycken/{consent.id}/aterkalla", {"reason": "  ",
                                                                   "bekraftat": "1"})
    assert refused.status_code == 422
    registration = _registration(registration_id)
    assert registration.is_active and registration.consent.status == "used"


def _withdrawn(app: Flask) -> tuple[World, Browser, int]:
    world = build_world()
    registration_id = register_one(app, world)
    _withdraw_on_page(app, world, "consent", _registration(registration_id).consent)
    return world, officer(app, world), registration_id


def test_after_withdrawal_every_write_path_writes_nothing(app: Flask) -> None:
    world, browser, registration_id = _withdrawn(app)
    before = _registration(registration_id)
    snapshot = (dict(before.answers), dict(before.end_answers), before.pdf_sha256,
                before.end_pdf_sha256, before.version)
    consent_id = before.consent_id
    # FK 9448 on the withdrawn consent: no form, and the store refuses.
    assert browser.get(f"/samtycken/{consent_id}/inregistrering").status_code == 302
    with pytest.raises(RuleViolation):
        register_participant(db.session.get(Consent, consent_id), ANSWERS_9448,
                             officer=world.users["deltagaransvarig"], today=today())
    db.session.rollback()
    # Rättelse of FK 9448 and of FK 9449.
    corrected = submit(browser, f"/registreringar/{registration_id}/rattelse",
                       {**ANSWERS_9448, "utbildning": "grundskola"})
    assert corrected.status_code == 422
    assert "Samtycket är återkallat" in corrected.get_data(as_text=True)
    end_corrected = submit(browser, f"/registreringar/{registration_id}/utregistrering/rattelse",
                           {**ANSWERS_9449, "avslutningsanledning": "1"})
    assert end_corrected.status_code == 422
    # FK 9449: already ended by the withdrawal.
    ended = browser.post(f"/registreringar/{registration_id}/utregistrering",
                         {**ANSWERS_9449, "once": "x"})
    assert ended.status_code == 302
    # Import: the same participation again is skipped; an overlapping one refused.
    same = valid_row(Personnummer=PNR_KVINNA, Kön="Kvinna", Namn="Testperson Exempelsson",
                     Inskrivningsdatum=date(2025, 2, 3), Utskrivningsdatum=date(2025, 6, 30))
    overlapping = valid_row(Personnummer=PNR_KVINNA, Kön="Kvinna",
                            Inskrivningsdatum=date(2025, 3, 1),
                            Utskrivningsdatum=date(2025, 4, 1))
    plan = read_sheet(sheet_of(same, overlapping), world.insats_a1, today=today(),
                      max_bytes=5_000_000, max_rows=100)
    assert plan.valid == [] and plan.already_present == 1
    assert [(e.row, e.column) for e in plan.errors] == [(3, "Inskrivningsdatum")]
    result = import_rows(plan, world.insats_a1, by=world.users["deltagaransvarig"],
                         reason="flytt", valid_only=True)
    db.session.commit()
    assert result.imported == 0
    after = _registration(registration_id)
    assert (after.answers, after.end_answers, after.pdf_sha256, after.end_pdf_sha256,
            after.version) == snapshot
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_fk_9449_on_a_withdrawn_consent_takes_only_reason_6_without_after_block(
        app: Flask) -> None:
    """A registration left open by a withdrawal made before this rule (or by the consent
    alone): FK 9449 may end it, but only as reason 6."""
    world = build_world()
    registration_id = register_one(app, world)
    registration = _registration(registration_id)
    withdraw_consent(registration.consent, by=world.users["deltagaransvarig"],
                     reason="Före regeln.")
    db.session.commit()
    browser = officer(app, world)
    url = f"/registreringar/{registration_id}/utregistrering"
    refused = submit(browser, url, ANSWERS_9449)  # reason 1 with its after-block
    assert refused.status_code == 422
    assert any("anledning 6" in m for m in field_errors(refused.get_data(as_text=True),
                                                        "avslutningsanledning"))
    assert _registration(registration_id).is_active
    with pytest.raises(RuleViolation) as violation:
        deregister(_registration(registration_id), ANSWERS_9449,
                   by=world.users["deltagaransvarig"], today=today())
    assert violation.value.field == "avslutningsanledning"
    db.session.rollback()
    # Reason 6 with an after-block: refused at those questions, nothing stored.
    with_after = submit(browser, url, {**ANSWERS_9449, "avslutningsanledning": "6"})
    assert with_after.status_code == 422
    assert field_errors(with_after.get_data(as_text=True), "arbetar_efter")
    assert _registration(registration_id).is_active
    accepted = submit(browser, url, {"namn": "X", "avslutningsdatum": "2025-06-30",
                                     "avslutningsanledning": "6"})
    assert accepted.status_code == 302
    registration = _registration(registration_id)
    assert registration.end_reason == "6" and registration.arbetar_efter is None
    assert registration.forsorjning_efter_bits == 0
    assert "arbetar_efter" not in registration.end_answers


def _refused(statement: object) -> None:
    with pytest.raises(IntegrityError, match="consent gate"):
        db.session.execute(statement)
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_personal_data_on_a_withdrawn_consent(app: Flask) -> None:
    world, _browser, registration_id = _withdrawn(app)
    registration = _registration(registration_id)
    consent_id = registration.consent_id
    where = Registration.id == registration_id
    # Plain columns of either form, a new sealed PDF, a reopening, the after-block.
    _refused(update(Registration).where(where).values(kommun="1480"))
    _refused(update(Registration).where(where).values(document_id="d" * 36))
    _refused(update(Registration).where(where).values(end_reason="1"))
    _refused(update(Registration).where(where).values(end_date=None, end_reason=None))
    _refused(update(Consent).where(Consent.id == consent_id).values(status="used"))
    _refused(RegistrationSupport.__table__.insert().values(
        registration_id=registration_id, measurement="efter", kind="a_kassa"))
    # A new registration on the withdrawn consent (the unique consent_id aside: the copy
    # gets the consent of another, withdrawn too).
    other_id = register_one(app, world, "19121212-1212")
    other = _registration(other_id)
    withdraw_consent(other.consent, by=world.users["deltagaransvarig"], reason="x")
    db.session.execute(delete(Registration).where(Registration.id == other_id))
    db.session.commit()
    copy = {c.key: getattr(registration, c.key) for c in Registration.__table__.columns
            if c.key not in ("id", "consent_id", "document_id", "end_document_id")}
    _refused(Registration.__table__.insert().values(**bind_row(Registration.__table__, {
        **copy, "id": None, "consent_id": other.consent_id, "document_id": "c" * 36})))
    # The ORM path a forgotten check would take: refused at the flush.
    registration = _registration(registration_id)
    with pytest.raises(IntegrityError, match="consent gate"):
        registration.utbildning = "grundskola"
        db.session.flush()
    db.session.rollback()
    # Allowed: re-encryption (rotate-key) and removal (reason 8, retention).
    raw_name = db.session.execute(text(
        "SELECT name FROM registration WHERE id = :id"), {"id": registration_id}).scalar()
    db.session.execute(text("UPDATE registration SET name = :name WHERE id = :id"),
                       {"name": raw_name, "id": registration_id})
    db.session.execute(delete(Registration).where(where))
    db.session.commit()
    assert _registration(registration_id) is None
