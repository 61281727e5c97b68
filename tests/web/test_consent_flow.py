"""FK 9443 through the real web flow: start, hand-over, read, sign, seal, archive, hand back."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from formapp.cases.consent import sign_consent
from formapp.cli import cli
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.audit import person_key, verify_chain
from formapp.records.consents import draft_by_token
from formapp.records.models import ArchivedDocument, AuditEntry, Consent, ConsentDraft, Person
from formapp.records.signatures import parse_signature
from formapp.webclient import Browser, shown_texts
from tests.world import PASSWORD, World, build_world

PNR = "19121212-1212"


def signature_json(points: int = 40, aspect: float = 3.0) -> str:
    """A wavy line across the pad, as the signature pad sends it."""
    stroke = [[0.1 + 0.8 * i / (points - 1), 0.5 + 0.3 * math.sin(i / 2)] for i in range(points)]
    return json.dumps({"aspect": aspect, "strokes": [stroke]})


def officer(app: Flask, world: World) -> Browser:
    browser = Browser(app.test_client())
    browser.login(world.email("deltagaransvarig"), PASSWORD)
    return browser


def start(browser: Browser, world: World, pnr: str = PNR, skyddad: str = "nej"):
    url = f"/insatser/{world.insats_a1.id}/samtycke"
    browser.get(url)
    return browser.post(url, {"skyddad_identitet": skyddad, "personnummer": pnr,
                              "place": "Umeå"})


def read_url(start_response, locale: str) -> str:
    language_url = start_response.headers["Location"]
    assert language_url.endswith("/sprak")
    return language_url.removesuffix("sprak") + locale


def sign(browser: Browser, url: str, *, name: str = "Testperson Exempelsson",
         signature: str | None = None, confirmed: bool = True):
    page = browser.get(url).get_data(as_text=True)
    data = {"name": name, "signature": signature_json() if signature is None else signature,
            "texts": shown_texts(page)}
    if confirmed:
        data["confirmed"] = "y"
    return browser.post(url, data)


def hand_back(browser: Browser) -> str:
    browser.get("/deltagare/tillbaka")
    response = browser.post("/deltagare/tillbaka", {"password": PASSWORD})
    assert response.status_code == 302
    return response.headers["Location"]


def count(model: type) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("locale", ["sv", "en", "ar", "ti"])
def test_a_consent_is_sealed_archived_and_verifiable(app: Flask, locale: str) -> None:
    world = build_world()
    browser = officer(app, world)
    response = start(browser, world)
    assert response.status_code == 302
    page = browser.get(read_url(response, locale)).get_data(as_text=True)
    if locale == "ar":
        assert 'dir="rtl"' in page
    response = sign(browser, read_url(response, locale))
    assert response.status_code == 302 and response.headers["Location"] == "/deltagare/klart"
    receipt_url = hand_back(browser)
    receipt = browser.get(receipt_url).get_data(as_text=True)
    assert "Förseglat och oförändrat" in receipt

    consent = db.session.scalar(select(Consent))
    assert consent.locale == locale and consent.status == "active"
    assert consent.binding_version == "9443-sv-2026-1"
    assert (consent.read_version is None) == (locale == "sv")
    assert consent.person.personnummer == "191212121212" and consent.person.kon == "man"
    assert count(ConsentDraft) == 0
    pdf = browser.get(f"/samtycken/{consent.id}/pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    assert evidence().check(pdf.data).ok

    path = evidence().archive.path_for(consent.pdf_sha256)
    result = app.test_cli_runner().invoke(cli, ["verify", str(path)])
    assert result.exit_code == 0, result.output
    if shutil.which("pdfsig"):
        poppler = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True,
                                 check=False)
        assert "Signature is Valid" in poppler.stdout and "Total document signed" in \
            poppler.stdout


def test_one_flipped_byte_fails_verification(app: Flask, tmp_path: Path) -> None:
    world = build_world()
    browser = officer(app, world)
    sign(browser, read_url(start(browser, world), "sv"))
    consent = db.session.scalar(select(Consent))
    data = bytearray(evidence().archive.read(consent.pdf_sha256))
    data[len(data) // 3] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    result = app.test_cli_runner().invoke(cli, ["verify", str(tampered)])
    assert result.exit_code == 1 and "FAIL" in result.output


def test_verify_all_reports_orphans_either_way(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    sign(browser, read_url(start(browser, world), "sv"))
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["verify", "--all"]).exit_code == 0
    orphan_file = evidence().archive.store(b"%PDF-1.7 not a sealed document")
    record_only = ArchivedDocument(sha256="ab" * 32, kind="consent",
                                   forbund_id=world.forbund_a.id, size=10)
    db.session.add(record_only)
    db.session.commit()
    result = runner.invoke(cli, ["verify", "--all"])
    assert result.exit_code == 1
    assert "orphan file" in result.output and orphan_file in result.output
    assert "orphan record" in result.output and "ab" * 32 in result.output


def test_skyddad_identitet_stores_nothing_personal(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    response = start(browser, world, skyddad="ja")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/insatser/{world.insats_a1.id}/anonyma"
    assert count(ConsentDraft) == 0 and count(Person) == 0 and count(Consent) == 0
    assert "anonymt" in browser.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("pnr, message", [
    ("19121212-1213", "kontrollsiffra"),
    ("121212-121", "12 siffror"),
    ("19121332-1212", "datum"),
    ("", "personnumret"),
])
def test_a_bad_personnummer_is_refused_at_the_field(app: Flask, pnr: str, message: str) -> None:
    world = build_world()
    browser = officer(app, world)
    response = start(browser, world, pnr=pnr)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    errors = re.search(r'id="personnummer-errors">\s*<li>([^<]*)', page)
    assert errors and message.lower() in errors.group(1).lower(), errors
    assert count(ConsentDraft) == 0


@pytest.mark.parametrize("signature, message", [
    ("", "Skriv din underskrift"),
    (json.dumps({"aspect": 3, "strokes": [[[0.5, 0.5], [0.51, 0.5]]]}), "Skriv din underskrift"),
    ("{not json", "kunde inte läsas"),
    (json.dumps({"aspect": 3, "strokes": [[[0.1, 0.1], [2.5, 0.1]] * 10]}), "kunde inte läsas"),
    (json.dumps({"aspect": 3, "strokes": [[[0.1, 0.1]] * 30_000]}), "för stor"),
])
def test_a_bad_signature_is_refused_and_nothing_is_stored(app: Flask, signature: str,
                                                          message: str) -> None:
    world = build_world()
    browser = officer(app, world)
    url = read_url(start(browser, world), "sv")
    response = sign(browser, url, signature=signature)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Consent) == 0 and count(ArchivedDocument) == 0
    assert list(evidence().archive.digests()) == []
    assert sign(browser, url).status_code == 302  # the draft survived: sign again


def test_name_and_confirmation_are_required(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    url = read_url(start(browser, world), "sv")
    page = sign(browser, url, name="  ").get_data(as_text=True)
    assert "Skriv ditt namn." in page
    page = sign(browser, url, confirmed=False).get_data(as_text=True)
    assert "Bekräfta att du har läst texten." in page
    # In the participant's language: the message at the field is Arabic, not Swedish.
    page = sign(browser, url.removesuffix("sv") + "ar", name="  ").get_data(as_text=True)
    errors = re.search(r'id="name-errors">\s*<li>([^<]*)', page)
    assert errors and "Skriv ditt namn." not in page
    assert any("\u0600" <= ch <= "\u06ff" for ch in errors.group(1))
    assert count(Consent) == 0


def test_a_second_active_consent_for_the_same_person_and_insats_is_refused(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    sign(browser, read_url(start(browser, world), "sv"))
    hand_back(browser)
    page = start(browser, world).get_data(as_text=True)
    assert "redan ett aktivt samtycke" in page
    assert count(Consent) == 1


def test_an_unknown_language_is_not_found(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    url = read_url(start(browser, world), "sv")
    assert browser.get(url.removesuffix("sv") + "xx").status_code == 404
    assert browser.get(url.removesuffix("sv") + "..%2Fsv").status_code in (302, 404)


def test_the_participant_can_not_reach_officer_pages(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    language = start(browser, world).headers["Location"]
    for url in ("/", "/insatser/", f"/insatser/{world.insats_a1.id}", "/account/password"):
        response = browser.get(url)
        assert response.status_code == 302 and response.headers["Location"] == language
    sign(browser, language.removesuffix("sprak") + "sv")
    assert browser.get("/insatser/").headers["Location"] == "/deltagare/klart"
    browser.get("/deltagare/tillbaka")
    wrong = browser.post("/deltagare/tillbaka", {"password": "not-the-password"})
    assert wrong.status_code == 422 and browser.get("/").status_code == 302
    hand_back(browser)
    assert browser.get("/").status_code == 200
    # The back button after hand-back reaches nothing of the participant's.
    assert browser.get(language).status_code == 404


def test_abandoning_the_handover_discards_the_draft(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    start(browser, world)
    assert count(ConsentDraft) == 1
    paused = hand_back(browser)
    assert paused.endswith("/pausat") and count(ConsentDraft) == 1
    browser.get(paused)
    response = browser.post(paused, {"discard": "Avbryt samtycket"})
    assert response.headers["Location"] == f"/insatser/{world.insats_a1.id}"
    assert count(ConsentDraft) == 0 and count(Person) == 0


def test_only_the_assigned_deltagaransvarig_takes_consents(app: Flask) -> None:
    world = build_world()
    for role in ("samverkansadmin", "insatsansvarig", "rapport", "other_forbund_admin"):
        browser = Browser(app.test_client())
        browser.login(world.email(role), PASSWORD)
        assert browser.get(f"/insatser/{world.insats_a1.id}/samtycke").status_code == 403
    browser = officer(app, world)
    assert browser.get(f"/insatser/{world.insats_a2.id}/samtycke").status_code == 403


def test_withdrawal_keeps_the_history_and_seals_a_receipt(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    sign(browser, read_url(start(browser, world), "ar"), name="سارا احمد")
    receipt_url = hand_back(browser)
    consent = db.session.scalar(select(Consent))
    browser.get(receipt_url)
    refused = browser.post(f"/samtycken/{consent.id}/aterkalla", {"reason": " "})
    assert refused.status_code == 422
    assert "Ange hur och när" in refused.get_data(as_text=True)
    # Nothing happens before the confirmation step: the page asks, the reason carried along.
    asked = browser.post(f"/samtycken/{consent.id}/aterkalla",
                         {"reason": "Sa det vid besök 2026-11-20."})
    asked_page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Ja, återkalla samtycket" in asked_page
    assert 'name="reason" value="Sa det vid besök 2026-11-20."' in asked_page
    db.session.expire_all()
    assert db.session.get(Consent, consent.id).status != "withdrawn"
    response = browser.post(f"/samtycken/{consent.id}/aterkalla",
                            {"reason": "Sa det vid besök 2026-11-20.", "bekraftat": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    consent = db.session.get(Consent, consent.id)
    assert consent.status == "withdrawn" and consent.withdrawal_reason.startswith("Sa det")
    # The proof is still there and intact; the receipt is sealed too.
    assert evidence().check(evidence().archive.read(consent.pdf_sha256)).ok
    receipt = browser.get(f"/samtycken/{consent.id}/kvitto.pdf")
    assert receipt.status_code == 200 and evidence().check(receipt.data).ok
    record = db.session.get(ArchivedDocument, consent.withdrawal_pdf_sha256)
    assert record.kind == "withdrawal"
    page = browser.get(receipt_url).get_data(as_text=True)
    assert "Återkallat" in page and "Sa det vid besök" in page
    again = browser.post(f"/samtycken/{consent.id}/aterkalla", {"reason": "igen"})
    assert again.status_code == 422 and "redan återkallat" in again.get_data(as_text=True)
    assert app.test_cli_runner().invoke(cli, ["verify", "--all"]).exit_code == 0
    # A new consent for the same person and insats is possible after a withdrawal.
    assert start(browser, world).status_code == 302


def test_a_transaction_that_does_not_commit_leaves_no_file(app: Flask) -> None:
    """A failure between sealing and the commit (here: the rollback a crash causes) leaves
    neither a record nor an orphan PDF."""
    world = build_world()
    browser = officer(app, world)
    url = read_url(start(browser, world), "sv")
    token = url.split("/")[-2]
    draft = draft_by_token(token)
    consent = sign_consent(draft, locale="sv", name="Test Person",
                           signature=parse_signature(signature_json()), confirmed_read=True)
    archive = evidence().archive
    staged = archive.staged_path(consent.pdf_sha256)
    assert staged.exists() and not archive.exists(consent.pdf_sha256)  # waits for the commit
    db.session.rollback()
    assert not staged.exists() and not archive.exists(consent.pdf_sha256)
    assert count(Consent) == 0 and count(ArchivedDocument) == 0
    assert app.test_cli_runner().invoke(cli, ["verify", "--all"]).exit_code == 0


def test_signing_viewing_and_withdrawing_are_audited(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    sign(browser, read_url(start(browser, world), "sv"))
    receipt_url = hand_back(browser)
    browser.get(receipt_url)
    browser.get(f"{receipt_url}/pdf")
    browser.post(f"{receipt_url}/aterkalla", {"reason": "Återkallat muntligt.", "bekraftat": "1"})
    db.session.expire_all()
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["consent.signed", "consent.viewed", "consent.pdf",
                                           "consent.withdrawn"]
    assert {e.person_key for e in entries} == {person_key("191212121212")}
    assert all("Del Ansvarig" in e.actor for e in entries)
    assert entries[3].why == "Återkallat muntligt."
    assert verify_chain().ok


def test_a_nul_character_anywhere_is_refused_without_a_server_error(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    url = read_url(start(browser, world), "sv")
    response = sign(browser, url, name="Test\x00Person")
    assert response.status_code == 400
    url2 = f"/insatser/{world.insats_a1.id}/samtycke"
    assert browser.post(url2, {"skyddad_identitet": "nej", "personnummer": PNR,
                               "place": "Umeå\x00"}).status_code in (302, 400)
    assert count(Consent) == 0
