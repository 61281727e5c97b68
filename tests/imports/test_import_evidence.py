"""Issue 17 point 2: the Excel import never makes up a consent. Personal data only on evidence
(a consent in formapp, or a scanned paper FK 9443 sealed as-is); every other row, and skyddad
identitet, is counted anonymously; the import says how many went which way."""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from reportlab.pdfgen import canvas
from sqlalchemy import func, select

from formapp.archive_check import verify_all
from formapp.cases.consent import sign_consent, start_draft
from formapp.cases.importing import import_rows
from formapp.cli import cli
from formapp.clock import today
from formapp.demo import DEMO_FORBUND_NAME, DEMO_PASSWORD, demo_users
from formapp.documents.consent import Signature, SignatureStroke
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.imports.reading import ImportPlan, SheetRefused, read_sheet
from formapp.imports.scans import Scan
from formapp.records.models import (
    AnonymousCount,
    ArchivedDocument,
    Consent,
    Forbund,
    Person,
    Registration,
)
from formapp.reports.sheet import IMPORT_COLUMNS
from formapp.webclient import Browser
from tests.imports.importing import finish_import
from tests.reports.test_excel import sheet_bytes, valid_row
from tests.world import PASSWORD, World, build_world

TODAY = date(2026, 1, 15)
HEADER = [c.header for c in IMPORT_COLUMNS] + ["Skyddad identitet"]


@pytest.fixture
def world(app: Flask) -> World:
    return build_world()


def sheet(*rows: dict[str, object]) -> bytes:
    return sheet_bytes(HEADER, *([r.get(h) for h in HEADER] for r in rows))


def scan_pdf(text: str = "FK 9443 underskriven på papper") -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


def read(world: World, data: bytes, scans: list[Scan] | None = None) -> ImportPlan:
    return read_sheet(data, world.insats_a1, today=TODAY, max_bytes=5_000_000, max_rows=1000,
                      scans=scans or [])


def officer(world: World):
    return world.users["deltagaransvarig"]


def anonymous(world: World) -> dict[tuple[int, str], int]:
    return {(c.year, c.kon): c.count for c in db.session.scalars(
        select(AnonymousCount).where(AnonymousCount.insats_id == world.insats_a1.id))}


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def signed_consent(world: World, personnummer: str, name: str) -> Consent:
    draft = start_draft(world.insats_a1, officer(world), personnummer=personnummer,
                        place="Jönköping", today=today())
    stroke = SignatureStroke(((0.1, 0.5), (0.5, 0.8), (0.9, 0.4)))
    consent = sign_consent(draft, locale="sv", name=name, signature=Signature((stroke,), 3.0),
                           confirmed_read=True)
    db.session.commit()
    return consent


def consent_page(app: Flask, world: World, consent_id: str) -> tuple[int, str]:
    browser = Browser(app.test_client())
    browser.login(world.email("deltagaransvarig"), PASSWORD)
    response = browser.get(f"/samtycken/{consent_id}")
    return response.status_code, response.get_data(as_text=True)


def test_a_row_without_evidence_is_counted_anonymously_and_stores_nothing_personal(
        world: World) -> None:
    people, consents = count(Person), count(Consent)
    data = sheet(valid_row())
    result = import_rows(read(world, data), world.insats_a1, by=officer(world),
                         reason="flytt", valid_only=False)
    db.session.commit()
    assert (result.imported, result.anonymous, result.with_consent, result.with_paper) == (
        1, 1, 0, 0)
    assert (count(Person), count(Consent), count(Registration)) == (people, consents, 0)
    assert anonymous(world) == {(2024, "kvinna"): 1}  # 19900101-0108: kvinna, started 2024
    # The same file again is not counted twice.
    again = import_rows(read(world, data), world.insats_a1, by=officer(world),
                        reason="flytt", valid_only=False)
    db.session.commit()
    assert (again.imported, again.already_present) == (0, 1)
    assert anonymous(world) == {(2024, "kvinna"): 1}


def test_a_row_of_a_person_with_a_consent_in_formapp_uses_it(world: World) -> None:
    consent = signed_consent(world, "19900101-0108", "Ny Person")
    consents = count(Consent)
    result = import_rows(read(world, sheet(valid_row())), world.insats_a1, by=officer(world),
                         reason="flytt", valid_only=False)
    db.session.commit()
    assert (result.with_consent, result.anonymous) == (1, 0)
    registration = db.session.scalar(select(Registration))
    assert registration.consent_id == consent.id and count(Consent) == consents
    db.session.refresh(consent)
    assert consent.status == "used" and consent.kind == "signed"


def test_a_row_with_a_paper_scan_is_sealed_archived_and_its_page_shows(
        app: Flask, world: World) -> None:
    scan = scan_pdf()
    plan = read(world, sheet(valid_row(), valid_row(Personnummer="19850101-0147")),
                [Scan("2.pdf", scan)])
    result = import_rows(plan, world.insats_a1, by=officer(world), reason="flytt",
                         valid_only=False)
    db.session.commit()
    assert (result.with_paper, result.anonymous) == (1, 1)
    consent = db.session.scalar(select(Consent))
    assert consent.kind == "paper" and consent.status == "used"
    assert consent.officer_id == officer(world).id
    assert consent.scan_sha256 == hashlib.sha256(scan).hexdigest()
    assert db.session.get(ArchivedDocument, consent.pdf_sha256).kind == "paper_consent"
    sealed = evidence().archive.read(consent.pdf_sha256)
    assert sealed.startswith(scan)  # the scan as it came, sealed by incremental updates
    assert evidence().check(sealed).ok
    assert db.session.scalar(select(Registration)).consent_id == consent.id
    status, page = consent_page(app, world, consent.id)
    assert status == 200, page[-2000:]
    assert "intygat av Del Ansvarig" in page and consent.scan_sha256 in page
    assert "Förseglat och oförändrat" in page
    assert not [f for f in verify_all() if not f.ok and consent.id in f.subject]


def test_scans_that_prove_nothing_are_refused_at_their_row(world: World) -> None:
    plan = read(world, sheet(valid_row(), valid_row(Personnummer="19850101-0147")),
                [Scan("19900101-0108.pdf", b"not a pdf"), Scan("3.pdf", scan_pdf())])
    assert [(e.row, e.column) for e in plan.errors] == [(2, "Samtycke (PDF)")]
    assert "ingen PDF" in plan.errors[0].message and [r.row for r in plan.valid] == [3]
    with pytest.raises(SheetRefused):
        read(world, sheet(valid_row()), [Scan("rad 9.pdf", scan_pdf())])


def test_skyddad_identitet_is_always_anonymous(world: World) -> None:
    plan = read(world, sheet(valid_row(**{"Skyddad identitet": "ja"}),
                             valid_row(Personnummer=None, Namn=None, Kön="Man",
                                       **{"Skyddad identitet": "Ja"})),
                [Scan("2.pdf", scan_pdf())])
    # A scan of a row with skyddad identitet is refused: that row keeps no personal data.
    assert [(e.row, e.column) for e in plan.errors] == [(2, "Samtycke (PDF)")]
    plan = read(world, sheet(valid_row(**{"Skyddad identitet": "ja"}),
                             valid_row(Personnummer=None, Namn=None, Kön="Man",
                                       **{"Skyddad identitet": "Ja"}),
                             valid_row(**{"Skyddad identitet": "kanske"})))
    assert [(e.row, e.column) for e in plan.errors] == [(4, "Skyddad identitet")]
    signed_consent(world, "19900101-0108", "Ny Person")  # even with a consent in formapp
    result = import_rows(plan, world.insats_a1, by=officer(world), reason="flytt",
                         valid_only=True)
    db.session.commit()
    assert (result.anonymous, result.with_consent, result.skipped) == (2, 0, 1)
    assert count(Registration) == 0
    assert anonymous(world) == {(2024, "kvinna"): 1, (2024, "man"): 1}


def test_the_page_of_a_consent_an_old_import_made_up_says_so(app: Flask,
                                                             world: World) -> None:
    # What the importer wrote before issue 17 (migration 0018 marks such rows 'unproven').
    person = Person(forbund_id=world.forbund_a.id, personnummer="199001010108", kon="kvinna",
                    birth_date=date(1990, 1, 1), name="Gammal Import")
    plan = read(world, sheet(valid_row()))
    import_rows(plan, world.insats_a1, by=officer(world), reason="kvitto", valid_only=False)
    digest = db.session.scalar(select(ArchivedDocument.sha256).where(
        ArchivedDocument.kind == "import"))
    legacy = Consent(
        id=str(uuid.uuid4()), forbund_id=world.forbund_a.id, insats=world.insats_a1,
        person=person, officer_id=None, locale="sv", binding_version="import",
        binding_sha256=digest, name="Gammal Import", place="Import",
        signed_on=date(2024, 3, 1), signed_at=datetime.now(UTC), pdf_sha256=digest,
        status="used", used_at=datetime.now(UTC), kind="unproven")
    db.session.add_all([person, legacy])
    db.session.commit()
    status, page = consent_page(app, world, legacy.id)
    assert status == 200, page[-2000:]
    assert "Importerad utan samtyckesbevis" in page and "Förseglat och oförändrat" not in page
    findings = [f for f in verify_all() if f.subject == f"consent {legacy.id}"]
    assert findings and not findings[0].ok and "without evidence" in findings[0].message


def test_the_import_page_and_the_cli_say_how_many_went_which_way(app: Flask, world: World,
                                                                 tmp_path) -> None:
    browser = Browser(app.test_client())
    browser.login(world.email("deltagaransvarig"), PASSWORD)
    browser.get("/rapporter/import")
    page = finish_import(browser, browser.post("/rapporter/import", {
        "insats_id": str(world.insats_a1.id), "mode": "alla", "reason": "flytt",
        "file": (io.BytesIO(sheet(valid_row(), valid_row(Personnummer="19850101-0147"))),
                 "deltagare.xlsx"),
        "scans": [(io.BytesIO(scan_pdf()), "198501010147.pdf")]})).get_data(as_text=True)
    for expected in ("2 deltaganden importerades", "0 med samtycke som redan fanns",
                     "1 med samtycke på papper", "1 som anonyma deltaganden"):
        assert expected in page, page[-3000:]
    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "2.pdf").write_bytes(scan_pdf("en annan"))
    (tmp_path / "in.xlsx").write_bytes(sheet(valid_row(Personnummer="19700101-0029",
                                                       Namn="Tredje Person"),
                                             valid_row(Personnummer="19700101-0052", Kön="Man")))
    result = app.test_cli_runner().invoke(cli, [
        "import-excel", str(tmp_path / "in.xlsx"), "--insats", str(world.insats_a1.id),
        "--scans", str(tmp_path / "scans"), "--by", world.email("deltagaransvarig")])
    assert result.exit_code == 0, result.output
    assert "1 with a paper consent, 1 as anonymous participations" in result.output


def test_the_demo_makes_up_no_consent_and_every_consent_page_shows(app: Flask) -> None:
    result = app.test_cli_runner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    forbund = db.session.scalar(select(Forbund).where(Forbund.name == DEMO_FORBUND_NAME))
    consents = list(db.session.scalars(select(Consent).where(
        Consent.forbund_id == forbund.id)))
    assert len(consents) > 30 and {c.kind for c in consents} == {"signed"}
    assert db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.forbund_id == forbund.id)) > 25
    assert not [f for f in verify_all() if not f.ok], [f for f in verify_all() if not f.ok]
    user = next(u for u in demo_users() if u.email == "deltagare@demo.formapp.example")
    browser = Browser(app.test_client())
    browser.login(user.email, DEMO_PASSWORD)
    for consent in consents:
        assert browser.get(f"/samtycken/{consent.id}").status_code == 200, consent.id
