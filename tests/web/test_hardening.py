"""Issue 15, point 8: odd input gets a clear answer, never a 500, and the smaller rules hold:
a NUL in a page's one-time token, a deeply nested TOML upload, an uploaded text's locale,
Excel downloads kept out of caches, the import's own size limit, and who publishes a binding
consent text."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from formapp.extensions import db
from formapp.records.models import ConsentTextVersion, Registration
from formapp.webclient import Browser
from tests.web.registration_helpers import ANSWERS_9448, once_of, take_consent
from tests.web.test_consent_flow import officer
from tests.web.test_consent_texts_admin import own_swedish_text, upload
from tests.world import PASSWORD, World, build_world

FORMS = Path(__file__).resolve().parents[2] / "forms"


def logged_in(app: Flask, world: World, who: str) -> Browser:
    browser = Browser(app.test_client())
    browser.login(world.email(who), PASSWORD)
    return browser


def count(model: type) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_nul_in_the_one_time_token_is_not_a_server_error(app: Flask) -> None:
    world = build_world()
    consent = take_consent(app, world)
    browser = officer(app, world)
    url = f"/samtycken/{consent.id}/inregistrering"
    page = browser.get(url).get_data(as_text=True)
    assert once_of(page)
    response = browser.post(url, {**ANSWERS_9448, "once": "abc\x00def"})
    assert response.status_code == 302, response.status_code  # stored under a fresh token
    assert count(Registration) == 1
    again = browser.post(url, {**ANSWERS_9448, "once": "abc\x00def"})
    assert again.status_code in (302, 422) and count(Registration) == 1
    erase = response.headers["Location"] + "/ta-bort"
    browser.get(erase)
    refused = browser.post(erase, {"once": "\x00"})  # not confirmed: refused, not an error
    assert refused.status_code in (400, 422) and count(Registration) == 1


def test_a_deeply_nested_toml_upload_is_refused_at_the_field(app: Flask) -> None:
    world = build_world()
    admin = logged_in(app, world, "samverkansadmin")
    nested = b"sections = " + b"[" * 5000 + b"]" * 5000 + b"\n"
    response = upload(admin, world.forbund_a.id, nested)
    assert response.status_code == 422, response.status_code
    assert "inte en giltig samtyckestext" in response.get_data(as_text=True)
    assert count(ConsentTextVersion) == 0


FK_SV_SHA256 = tomllib.loads((FORMS / "9443" / "published.toml").read_text(encoding="utf-8"))[
    "version"][0]["sha256"]


def test_an_uploaded_text_must_be_in_a_known_locale(app: Flask) -> None:
    world = build_world()
    admin = logged_in(app, world, "samverkansadmin")
    english = (FORMS / "9443" / "texts" / "en.toml").read_text(encoding="utf-8")
    english = english.replace('status = "unofficial"', 'status = "official"')
    # an official translation names the binding version it translates (issue 18)
    english += f'\n[source]\nversion = "9443-sv-2026-1"\nsha256 = "{FK_SV_SHA256}"\n'
    for locale in ("../../etc", "xx", "EN"):
        raw = english.replace('locale = "en"', f'locale = "{locale}"').encode("utf-8")
        response = upload(admin, world.forbund_a.id, raw)
        assert response.status_code == 422, (locale, response.status_code)
        assert "språk som formapp känner" in response.get_data(as_text=True), locale
    assert count(ConsentTextVersion) == 0
    response = upload(admin, world.forbund_a.id, english.encode("utf-8"))
    assert response.status_code == 302 and count(ConsentTextVersion) == 1


def test_excel_downloads_are_never_stored_in_a_cache(app: Flask) -> None:
    world = build_world()
    reporter = logged_in(app, world, "rapport")
    response = reporter.get("/rapporter/resultat/excel")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert response.headers["Cache-Control"] == "no-store"
    reporter.get("/rapporter/export")
    export = reporter.post("/rapporter/export", {"year": "", "insats_id": ""})
    assert export.status_code == 200 and export.data[:2] == b"PK"
    assert export.headers["Cache-Control"] == "no-store"


def test_the_import_takes_its_own_size_and_others_keep_theirs(app: Flask) -> None:
    world = build_world()
    app.config["FORMAPP_IMPORT_MAX_BYTES"] = 4 * 1024 * 1024
    three_mb = b"x" * (3 * 1024 * 1024)
    importer = logged_in(app, world, "deltagaransvarig")
    importer.get("/rapporter/import")
    response = importer.post("/rapporter/import", {
        "insats_id": str(world.insats_a1.id), "mode": "alla", "reason": "flytt",
        "file": (io.BytesIO(three_mb), "stor.xlsx")}, content_type="multipart/form-data")
    # Read and refused for what it is (not an Excel file), not for its size.
    assert response.status_code == 422 and "inte en Excel-fil" in response.get_data(as_text=True)

    too_large = importer.post("/rapporter/import", {
        "insats_id": str(world.insats_a1.id), "mode": "alla", "reason": "flytt",
        "file": (io.BytesIO(b"x" * (5 * 1024 * 1024)), "stor.xlsx")},
        content_type="multipart/form-data")
    page = too_large.get_data(as_text=True)
    assert too_large.status_code == 413 and "högst 4 MB" in page and "/rapporter/import" in page

    admin = logged_in(app, world, "samverkansadmin")
    elsewhere = upload(admin, world.forbund_a.id, three_mb)
    page = elsewhere.get_data(as_text=True)
    assert elsewhere.status_code == 413 and "högst 2 MB" in page
    assert count(ConsentTextVersion) == 0


def test_only_the_forbunds_own_administrator_publishes_its_texts(app: Flask) -> None:
    world = build_world()
    system = logged_in(app, world, "system_admin")
    url = f"/forbund/{world.forbund_a.id}/samtyckestexter"
    page = system.get(url)
    assert page.status_code == 200  # may see what participants read …
    assert 'enctype="multipart/form-data"' not in page.get_data(as_text=True)
    refused = system.post(url, {"file": (io.BytesIO(own_swedish_text()), "sv.toml")},
                          content_type="multipart/form-data")
    assert refused.status_code == 403 and count(ConsentTextVersion) == 0  # … not publish
    other = logged_in(app, world, "other_forbund_admin")
    assert upload(other, world.forbund_a.id, own_swedish_text()).status_code == 403
    admin = logged_in(app, world, "samverkansadmin")
    assert upload(admin, world.forbund_a.id, own_swedish_text()).status_code == 302
    assert count(ConsentTextVersion) == 1
