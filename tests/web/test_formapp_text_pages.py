"""formapp's consent text in a förbund (issue 18): the details it needs, publication as
immutable versions, pairing with translations, the warning for FK 9443, the PDF's issuer and
footer, and the version history."""

from __future__ import annotations

import subprocess
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from formapp.documents.consent import FORMAPP_TEXT
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.models import AuditEntry, Consent, ConsentTextVersion, Forbund
from formapp.webclient import Browser, shown_texts
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.world import PASSWORD, World, build_world

FORMS = Path(__file__).resolve().parents[2] / "forms"

DETAILS = {"name": "Förbund A", "organisationsnummer": "222000-0000", "kommun_text": "",
           "postadress": "Box 1\n123 45 Aby", "kontakt_epost": "registrator@a.example",
           "kontakt_telefon": "010-123 45 67", "dataskyddsombud": "dso@a.example"}


def admin(app: Flask, world: World) -> Browser:
    browser = Browser(app.test_client())
    browser.login(world.email("samverkansadmin"), PASSWORD)
    return browser


def edit(browser: Browser, forbund_id: int, **changes: str):
    url = f"/forbund/{forbund_id}/edit"
    browser.get(url)
    return browser.post(url, {**DETAILS, **changes})



def versions(forbund_id: int) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(ConsentTextVersion.id).where(
        ConsentTextVersion.forbund_id == forbund_id).order_by(ConsentTextVersion.id)))


def use_formapp_text(app: Flask, world: World) -> Browser:
    browser = admin(app, world)
    assert edit(browser, world.forbund_a.id).status_code == 302
    url = f"/forbund/{world.forbund_a.id}/samtyckestexter"
    browser.get(url)
    response = browser.post(url, {"choose-text": FORMAPP_TEXT})
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


def test_a_new_forbund_uses_formapps_text(app: Flask) -> None:
    world = build_world()
    system = Browser(app.test_client())
    system.login(world.email("system_admin"), PASSWORD)
    system.get("/forbund/new")
    response = system.post("/forbund/new", {"name": "Förbund Ny"})
    assert response.status_code == 302
    created = db.session.scalar(select(Forbund).where(Forbund.name == "Förbund Ny"))
    assert created.consent_text == FORMAPP_TEXT
    page = system.get(response.headers["Location"]).get_data(as_text=True)
    # Without its details as personuppgiftsansvarig there is no text to sign yet: said so.
    assert 'id="text-missing-warning"' in page and 'id="fk-text-warning"' not in page


def test_fk_9443_in_use_raises_the_warning(app: Flask) -> None:
    world = build_world()  # the test world's förbund use FK 9443
    page = admin(app, world).get(f"/forbund/{world.forbund_a.id}").get_data(as_text=True)
    assert 'id="fk-text-warning"' in page and "FK 9443 (SUS, historisk)" in page


def test_bad_details_are_refused_at_the_field_and_nothing_is_saved(app: Flask) -> None:
    world = build_world()
    browser = admin(app, world)
    for field, value, message in (
            ("kontakt_epost", "registrator(at)a", "Ange en e-postadress"),
            ("kontakt_telefon", "ring oss", "Ange ett telefonnummer"),
            ("dataskyddsombud", "Anna", "Ange dataskyddsombudets e-postadress"),
            ("postadress", "a\nb\nc\nd\ne", "högst 4 rader")):
        response = edit(browser, world.forbund_a.id, **{field: value})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and message in page, field
        assert f'id="{field}-error' in page or 'aria-invalid="true"' in page
    db.session.expire_all()
    assert db.session.get(Forbund, world.forbund_a.id).kontakt_epost == ""


def test_choosing_formapps_text_without_details_says_what_is_missing(app: Flask) -> None:
    world = build_world()
    browser = admin(app, world)
    url = f"/forbund/{world.forbund_a.id}/samtyckestexter"
    browser.get(url)
    response = browser.post(url, {"choose-text": FORMAPP_TEXT})
    assert response.status_code == 422
    assert "Fyll i förbundets uppgifter som personuppgiftsansvarig" in response.get_data(
        as_text=True)
    assert versions(world.forbund_a.id) == []
    db.session.expire_all()
    assert db.session.get(Forbund, world.forbund_a.id).consent_text == "fk-9443"


def test_formapps_text_is_published_offered_with_its_translations_and_signed(
        app: Flask) -> None:
    world = build_world()
    use_formapp_text(app, world)
    fid = world.forbund_a.id
    translated = sorted(f.stem for f in (FORMS / "9443" / "texts" / "formapp-samtycke").glob(
        "*.toml"))
    assert "ar" in translated and "ti" in translated
    assert versions(fid) == sorted(f"formapp-samtycke-{loc}-f{fid}-1" for loc in translated)
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "consent_text.published",
        AuditEntry.subject == f"consent_text:formapp-samtycke-sv-f{fid}-1")) is not None

    taker = officer(app, world)
    started = start(taker, world)
    language_page = taker.get(started.headers["Location"]).get_data(as_text=True)
    # The languages with a translation of this very text: formapp's Arabic, never FK 9443's.
    assert 'language-choice" lang="en"' in language_page
    assert 'language-choice" lang="ar"' in language_page
    arabic = shown_texts(taker.get(read_url(started, "ar")).get_data(as_text=True))
    assert arabic == f"formapp-samtycke-sv-f{fid}-1 formapp-samtycke-ar-f{fid}-1"
    page = taker.get(read_url(started, "en")).get_data(as_text=True)
    assert "Förbund A is responsible for the information about you" in page
    assert sign(taker, read_url(started, "en")).status_code == 302
    hand_back(taker)
    consent = db.session.scalar(select(Consent))
    assert (consent.binding_version, consent.read_version) == (
        f"formapp-samtycke-sv-f{fid}-1", f"formapp-samtycke-en-f{fid}-1")

    pdf = evidence().archive.read(consent.pdf_sha256)
    pages = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                           check=True).stdout.decode("utf-8").split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2
    assert pages[0].lstrip().startswith("Förbund A")
    whole = "\n".join(pages)
    assert "Fastställt av Försäkringskassan" not in whole and "FK9443" not in whole
    for text in pages:  # every page says which document, texts and person
        assert consent.id in text and "19121212-1212" in text
        assert f"formapp-samtycke-sv-f{fid}-1 + formapp-samtycke-en-f{fid}-1" in text


def test_a_change_of_details_is_a_new_version_and_signed_consents_keep_theirs(
        app: Flask) -> None:
    world = build_world()
    browser = use_formapp_text(app, world)
    fid = world.forbund_a.id
    taker = officer(app, world)
    assert sign(taker, read_url(start(taker, world), "sv")).status_code == 302
    hand_back(taker)
    # Saving the same details publishes nothing; another address is a new version.
    locales = len(versions(fid))  # Swedish and every translation of formapp's text
    assert edit(browser, fid).status_code == 302
    assert len(versions(fid)) == locales
    assert edit(browser, fid, postadress="Storgatan 2\n123 45 Aby").status_code == 302
    assert len(versions(fid)) == 2 * locales
    assert {f"formapp-samtycke-en-f{fid}-1", f"formapp-samtycke-en-f{fid}-2",
            f"formapp-samtycke-sv-f{fid}-1", f"formapp-samtycke-sv-f{fid}-2"} <= set(versions(fid))
    assert db.session.scalar(select(Consent)).binding_version == f"formapp-samtycke-sv-f{fid}-1"
    new = taker.get(read_url(start(taker, world, pnr="19800101-1009"), "sv"))
    assert "Storgatan 2, 123 45 Aby" in new.get_data(as_text=True)

    page = browser.get(f"/forbund/{fid}/samtyckestexter").get_data(as_text=True)
    history = page.split('id="text-history"')[1].split("</table>")[0]
    rows = {row.split("</td>")[1]: row for row in history.split("<tr>")[2:]}
    first = next(r for k, r in rows.items() if f"formapp-samtycke-sv-f{fid}-1" in k)
    second = next(r for k, r in rows.items() if f"formapp-samtycke-sv-f{fid}-2" in k)
    assert "<td>1</td>" in first and "<td>0</td>" in second and "Sam Admin" in first
    # formapp's text is translated into every language: none is listed as lacking one.
    assert 'id="lacking"' not in page


def test_no_consent_is_started_while_the_forbund_has_no_text(app: Flask) -> None:
    world = build_world()
    world.forbund_a.consent_text = FORMAPP_TEXT  # chosen, details not filled in
    db.session.commit()
    response = start(officer(app, world), world)
    assert response.status_code != 302
    assert "Förbundet har ingen publicerad samtyckestext ännu" in response.get_data(as_text=True)
