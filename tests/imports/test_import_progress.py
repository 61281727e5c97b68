"""Issue 21, point 12: an import's messages name the text found and the texts allowed, in
Swedish and English; the web page's import shows its progress through a status the page asks,
and stays all or nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from formapp.extensions import db
from formapp.imports.jobs import STALE_SECONDS, JobStore
from formapp.records.models import Registration
from formapp.reports.sheet import IMPORT_COLUMNS
from formapp.webclient import Browser
from tests.imports.importing import finish_import
from tests.reports.test_excel import read, sheet_bytes, sheet_of, valid_row
from tests.world import PASSWORD, World, build_world


@pytest.fixture
def world(app: Flask) -> World:
    return build_world()


def messages(world: World, *rows: dict[str, object]) -> dict[tuple[int, str], str]:
    plan = read(sheet_of(*rows), world)
    return {(e.row, e.column): e.message for e in plan.errors}


def test_an_unknown_choice_names_the_text_found_and_the_texts_allowed(world: World) -> None:
    found = messages(world, valid_row(**{
        "Offentlig försörjning före": "Sjukpenning x; A-kassa",
        "Utbildning": "Gymnasiet", "Avslutsanledning": "12 Flytt"}), valid_row(
        Personnummer="19850101-0147", **{"Offentlig försörjning före": "A-kassa, Studiestöd",
                                         "Arbetar efter": "kanske"}))
    support = found[(2, "Offentlig försörjning före")]
    assert support.startswith("”Sjukpenning x” finns inte. Tillåtna: "), support
    assert "”Sjukpenning/rehabiliteringspenning”" in support and "”A-kassa”" in support
    assert "”A-kassa”" not in support.split("Tillåtna")[0]  # the known one is not named
    assert "Flera stöd skiljs åt med ”;”" in support
    assert "”A-kassa, Studiestöd” finns inte" in found[(3, "Offentlig försörjning före")]
    assert found[(2, "Utbildning")].startswith("”Gymnasiet” finns inte. Tillåtna: ”Grundskola”")
    assert found[(3, "Arbetar efter")] == "”kanske” finns inte. Tillåtna: ”Ja”, ”Nej”."
    reason = found[(2, "Avslutsanledning")]
    assert "”12 Flytt” finns inte" in reason and "”5 Utskrivning på grund av flytt”" in reason
    assert "Välj ett av alternativen" not in " ".join(found.values())


def test_kon_and_skyddad_identitet_say_what_they_found(world: World) -> None:
    header = [c.header for c in IMPORT_COLUMNS] + ["Skyddad identitet"]
    rows = (valid_row(Personnummer=None, Namn=None, Kön="K", **{"Skyddad identitet": "ja"}),
            valid_row(**{"Skyddad identitet": "kanske"}))
    plan = read(sheet_bytes(header, *([r[h] for h in header] for r in rows)), world)
    found = {(e.row, e.column): e.message for e in plan.errors}
    assert found[(2, "Kön")] == "”K” finns inte. Tillåtna: ”Kvinna”, ”Man”."
    assert found[(3, "Skyddad identitet")] == "”kanske” finns inte. Tillåtna: ”Ja”, ”Nej”."


def test_the_messages_in_english_and_with_their_row_and_column(app: Flask,
                                                               world: World) -> None:
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        plan = read(sheet_of(valid_row(**{"Offentlig försörjning före": "Sjukpenning x"})),
                    world)
        (error,) = plan.errors
        assert error.message.startswith("“Sjukpenning x” does not exist. Allowed: "), error
        assert "Separate several supports with “;”" in error.message
        assert error.described().startswith(
            "Row 2, column “Offentlig försörjning före”: “Sjukpenning x” does not exist.")
    plan = read(sheet_of(valid_row(**{"Offentlig försörjning före": "Sjukpenning x"})), world)
    assert plan.errors[0].described().startswith(
        "Rad 2, kolumn ”Offentlig försörjning före”: ”Sjukpenning x” finns inte.")


def officer(app: Flask, world: World) -> Browser:
    browser = Browser(app.test_client())
    browser.login(world.email("deltagaransvarig"), PASSWORD)
    browser.get("/rapporter/import")
    return browser


def post(browser: Browser, world: World, data: bytes, mode: str = "alla"):
    return browser.post("/rapporter/import", {
        "insats_id": str(world.insats_a1.id), "mode": mode, "reason": "flytt",
        "file": (io.BytesIO(data), "deltagare.xlsx")})


def test_the_page_shows_the_progress_and_then_the_result(app: Flask, world: World) -> None:
    browser = officer(app, world)
    rows = [valid_row(Personnummer=p) for p in (
        "19900101-0108", "19850101-0147", "19800101-0100", "19700101-0029")]
    response = post(browser, world, sheet_of(*rows))
    assert response.status_code == 303
    job_page = response.headers["Location"]
    page = browser.get(job_page).get_data(as_text=True)
    # While it runs, or already done: the page says one or the other, never nothing.
    assert ("import-progress.js" in page and "data-import-status" in page
            and "<progress" in page) or "4 deltaganden importerades" in page
    status = browser.get(f"{job_page}/status")
    assert status.headers["Cache-Control"] == "no-store"
    data = status.get_json()
    assert set(data) >= {"state", "step", "done", "total", "percent", "text"}
    assert data["state"] in ("running", "done") and 0 <= data["percent"] <= 100
    done = finish_import(browser, response).get_data(as_text=True)
    assert "4 deltaganden importerades" in done, done[done.find("<main"):][:3000]
    assert "import-progress.js" not in done
    final = browser.get(f"{job_page}/status").get_json()
    assert final == {**final, "state": "done", "percent": 100, "text": "Importen är klar."}
    # A made-up id is no import (another's import is a 404 too: test_route_permissions).
    assert browser.get(f"/rapporter/import/{'f' * 32}/status").status_code == 404
    assert browser.get("/rapporter/import/..%2Fsecret_key").status_code == 404


def test_a_refused_import_saves_nothing_and_lists_the_rows(app: Flask, world: World) -> None:
    browser = officer(app, world)
    before = db.session.scalar(select(func.count()).select_from(Registration))
    response = post(browser, world, sheet_of(
        valid_row(), valid_row(Personnummer="19850101-0147", Utbildning="Gymnasiet")))
    page = finish_import(browser, response).get_data(as_text=True)
    assert "1 rader har fel: inget importeras" in page
    assert "”Gymnasiet” finns inte. Tillåtna:" in page and "<td>3</td>" in page
    assert db.session.scalar(select(func.count()).select_from(Registration)) == before
    assert "flytt</textarea>" in page  # the choices stay, for the corrected file
    status = browser.get(response.headers["Location"] + "/status").get_json()
    assert status["state"] == "refused" and "inget importeras" in status["message"]


def test_a_file_that_is_no_sheet_is_refused_at_once(app: Flask, world: World) -> None:
    browser = officer(app, world)
    response = post(browser, world, b"not a sheet")
    assert response.status_code == 422
    assert "inte en Excel-fil" in response.get_data(as_text=True)


def test_an_import_whose_process_is_gone_says_nothing_was_saved(app: Flask,
                                                                 world: World) -> None:
    browser = officer(app, world)
    store = JobStore(Path(app.config["FORMAPP_DATA_DIR"]) / "import-jobs")
    job = store.create(world.users["deltagaransvarig"].id, world.insats_a1.id)
    job.step, job.done, job.total = "checking", 250, 1000
    store.save(job)
    running = browser.get(f"/rapporter/import/{job.id}/status").get_json()
    assert running["state"] == "running"
    assert running["text"] == "Kontrollerar raderna: 250 av 1\xa0000 …"
    path = store.folder / f"{job.id}.json"
    text = path.read_text().replace(f'"updated": {job.updated}',
                                    f'"updated": {job.updated - STALE_SECONDS - 1}')
    path.write_text(text)
    stopped = browser.get(f"/rapporter/import/{job.id}/status").get_json()
    assert stopped["state"] == "stopped" and "Ingenting sparades" in stopped["text"]
    page = browser.get(f"/rapporter/import/{job.id}").get_data(as_text=True)
    assert "Ingenting sparades" in page and "Kontrollera och importera" in page
