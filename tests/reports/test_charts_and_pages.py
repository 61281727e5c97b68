"""Charts (SVG, PNG) and the report pages: who sees what, downloads, the audited export."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select

from formapp.extensions import db
from formapp.records.models import AuditEntry
from formapp.reports import charts
from formapp.reports.catalog import build_report
from formapp.reports.filters import Filters
from formapp.webclient import Browser
from tests.imports.importing import finish_import
from tests.reports.dataset import build_dataset
from tests.world import PASSWORD, World, build_world

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def world(app: Flask) -> World:
    world = build_world()
    build_dataset(world)
    return world


def test_svg_shows_what_the_table_shows_and_nothing_hidden(world: World) -> None:
    table = build_report("avslut", Filters(world.forbund_a.id, 2024), 1).table(
        "avslutsanledning")
    svg = ET.fromstring(charts.to_svg(charts.layout(table)))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Avslutsanledning" in texts and "Kvinna" in texts and "Man" in texts
    assert "Utskrivning på grund av sjukdom" in texts
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("height") == str(float(charts.BAR_H))]
    assert len(bars) == 7  # non-zero cells: 1 K, 2 M, 3 M, 4 K, 6 K, 7 M, 9 K
    hidden = build_report("avslut", Filters(world.forbund_a.id, 2024), 5).table(
        "avslutsanledning")
    svg = ET.fromstring(charts.to_svg(charts.layout(hidden)))
    assert [r for r in svg.iter(f"{SVG}rect") if r.get("height") == str(float(charts.BAR_H))] \
        == []  # every count is small: no bar gives one away
    assert "–" in [t.text for t in svg.iter(f"{SVG}text")]


def test_png_is_an_image_of_the_chart(world: World) -> None:
    table = build_report("resultat", Filters(world.forbund_a.id, 2024), 1).table(
        "arbete_studier")
    drawing = charts.layout(table)
    image = Image.open(io.BytesIO(charts.to_png(drawing)))
    assert image.format == "PNG"
    assert image.size == (drawing.width * 2, drawing.height * 2)
    colours = {colour for _, colour in image.getcolors(1_000_000)}
    assert (0x1F, 0x5F, 0x8B) in colours  # the bars were painted


def login(app: Flask, world: World, who: str) -> Browser:
    browser = Browser(app.test_client())
    browser.login(world.email(who), PASSWORD)
    return browser


def test_report_page_shows_table_chart_and_downloads(app: Flask, world: World) -> None:
    browser = login(app, world, "rapport")
    page = browser.get("/rapporter/avslut?ar=2024").get_data(as_text=True)
    assert "Utskrivning - fortsatt rehabilitering" in page
    assert "/rapporter/avslut/diagram/avslutsanledning.svg?ar=2024" in page
    assert 'class="suppressed"' in page  # the default threshold 5 hides this small set
    excel = browser.get("/rapporter/avslut/excel?ar=2024")
    assert excel.status_code == 200 and excel.data[:2] == b"PK"
    png = browser.get("/rapporter/avslut/diagram/avslutsanledning.png?ar=2024&ladda=1")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "attachment" in png.headers["Content-Disposition"]
    assert browser.get(f"/rapporter/avslut?insats={world.insats_b1.id}").status_code == 404


def test_no_one_sees_another_forbunds_figures(app: Flask, world: World) -> None:
    browser = login(app, world, "other_forbund_admin")
    page = browser.get("/rapporter/nationell?ar=2024").get_data(as_text=True)
    assert "Insats B1" in page and "Insats A1" not in page
    assert login(app, world, "system_admin").get("/rapporter/").status_code == 403


def test_export_with_personnummer_needs_the_right_and_a_reason(app: Flask,
                                                              world: World) -> None:
    admin = login(app, world, "samverkansadmin")
    refused = admin.post("/rapporter/export", {"year": "2024", "insats_id": "",
                                              "identity": "y", "reason": " "})
    assert refused.status_code == 422
    response = admin.post("/rapporter/export", {"year": "2024", "insats_id": "",
                                               "identity": "y", "reason": "Flytt av registret"})
    assert response.status_code == 200 and response.data[:2] == b"PK"
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "export_excel_identity"))
    assert entry is not None and entry.why == "Flytt av registret"
    # Rapport has no such right: the box is not offered and is ignored if sent.
    reporter = login(app, world, "rapport")
    assert "Med personnummer och namn" not in reporter.get("/rapporter/export").get_data(
        as_text=True)
    plain = reporter.post("/rapporter/export", {"year": "2024", "insats_id": "",
                                               "identity": "y", "reason": "x"})
    from openpyxl import load_workbook
    header = next(load_workbook(io.BytesIO(plain.data)).worksheets[0].iter_rows(
        values_only=True))
    assert "Personnummer" not in header


def test_import_page_checks_and_imports(app: Flask, world: World) -> None:
    admin = login(app, world, "samverkansadmin")
    sheet = admin.post("/rapporter/export", {"year": "2024", "insats_id": str(
        world.insats_a1.id), "identity": "y", "full": "y", "reason": "flytt"}).data
    officer = login(app, world, "deltagaransvarig")
    bad = officer.post("/rapporter/import", {
        "insats_id": str(world.insats_a1.id), "mode": "alla", "reason": "flytt",
        "file": (io.BytesIO(b"not a sheet"), "x.xlsx")}, content_type="multipart/form-data")
    assert bad.status_code == 422 and "inte en Excel-fil" in bad.get_data(as_text=True)
    # Into A1 again: every row is a participation A1 has already (the same person, insats
    # and startdatum), so each is skipped and counted, none stored twice (issue 17).
    done = finish_import(officer, officer.post("/rapporter/import", {
        "insats_id": str(world.insats_a1.id), "mode": "alla", "reason": "flytt",
        "file": (io.BytesIO(sheet), "avslutade.xlsx")}, content_type="multipart/form-data"))
    assert done.status_code == 200, done.get_data(as_text=True)
    page = done.get_data(as_text=True)
    assert "0 deltaganden importerades" in page and "7 rader fanns redan i formapp" in page
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "import_excel")) is not None
