"""Issue 21, point 12, in a real browser: the import page's progress is shown by its static
script under the app's CSP (no inline script), and the page turns into the result by itself."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext

from formapp.bench.import_case import import_sheet
from formapp.imports.jobs import JobStore
from tests.e2e.conftest import Site, shot
from tests.e2e.journey import login
from tests.e2e.test_accessibility import serious
from tests.reports.test_excel import sheet_of, valid_row

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE_ONLY
def test_the_import_shows_its_progress_and_then_its_result(site: Site,
                                                           tablet: BrowserContext) -> None:
    data, _ = import_sheet(3000, date(2024, 1, 1))
    page = tablet.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    login(page, site.url, site.world.email("deltagaransvarig"))
    page.goto(f"{site.url}/rapporter/import")
    page.select_option("#insats_id", str(site.world.insats_a1.id))
    page.set_input_files("#file", files=[{
        "name": "deltagare.xlsx", "buffer": data,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.fill("#reason", "Flytt från förbundets Excel")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{site.url}/rapporter/import/*")
    if page.locator("progress").count():  # still running: the bar and the words move
        shot(page, "import-progress-sv")
        assert page.locator(".import-progress-text").inner_text()
    page.wait_for_selector("text=3000 deltaganden importerades", timeout=180_000)
    shot(page, "import-done-sv")
    assert page.locator("progress").count() == 0
    assert not refused, refused


@SQLITE_ONLY
def test_a_refused_import_names_the_text_found_and_allowed(site: Site,
                                                           tablet: BrowserContext) -> None:
    data = sheet_of(valid_row(), valid_row(Personnummer="19850101-0147", **{
        "Offentlig försörjning före": "Sjukpenning x, A-kassa"}))
    page = tablet.new_page()
    login(page, site.url, site.world.email("deltagaransvarig"))
    page.goto(f"{site.url}/rapporter/import")
    page.select_option("#insats_id", str(site.world.insats_a1.id))
    page.set_input_files("#file", files=[{
        "name": "deltagare.xlsx", "buffer": data,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.fill("#reason", "Flytt")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=inget importeras", timeout=120_000)
    cell = page.locator("table td", has_text="finns inte").first
    assert cell.inner_text().startswith("”Sjukpenning x, A-kassa” finns inte. Tillåtna: ")
    assert "Flera stöd skiljs åt med ”;”" in cell.inner_text()
    shot(page, "import-refused-sv")
    assert not serious(page)


@SQLITE_ONLY
def test_the_progress_page_passes_axe(site: Site, tablet: BrowserContext) -> None:
    # A status that stays running (no import behind it): the page keeps asking, unchanged.
    store = JobStore(Path(site.app.config["FORMAPP_DATA_DIR"]) / "import-jobs")
    job = store.create(site.world.users["deltagaransvarig"].id, site.world.insats_a1.id)
    job.step, job.done, job.total = "checking", 2500, 10000
    store.save(job)
    page = tablet.new_page()
    login(page, site.url, site.world.email("deltagaransvarig"))
    page.goto(f"{site.url}/rapporter/import/{job.id}")
    page.wait_for_function("document.querySelector('progress').value > 0")
    assert "2\u00a0500 av 10\u00a0000" in page.locator(".import-progress-text").inner_text()
    shot(page, "import-progress-running-sv")
    assert not serious(page)
