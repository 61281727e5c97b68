"""Excel: the report workbook, the participant export (seeds/000), export → import → export,
and files that must be refused whole or row by row."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from flask import Flask
from openpyxl import Workbook, load_workbook

from formapp.extensions import db
from formapp.records.errors import RuleViolation
from formapp.records.models import Consent, Registration
from formapp.reports.catalog import build_report
from formapp.reports.export import ExportRequest, write_export
from formapp.reports.filters import Filters
from formapp.reports.importer import ImportPlan, SheetRefused, import_rows, read_sheet
from formapp.reports.sheet import IMPORT_COLUMNS, SUMMARY
from formapp.reports.workbook import report_workbook
from tests.reports.dataset import build_dataset
from tests.world import World, build_world

TODAY = date(2026, 1, 15)


@pytest.fixture
def world(app: Flask) -> World:
    world = build_world()
    build_dataset(world)
    return world


def export(world: World, **options: object) -> bytes:
    out = io.BytesIO()
    write_export(ExportRequest(world.forbund_a.id, **options), out, datetime(2026, 1, 15))
    return out.getvalue()


def rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))


def read(data: bytes, world: World, insats_attr: str = "insats_a2") -> ImportPlan:
    return read_sheet(data, getattr(world, insats_attr), today=TODAY, max_bytes=5_000_000,
                      max_rows=1000)


def test_export_has_the_fields_of_the_decision_and_no_identity(world: World) -> None:
    sheet = rows(export(world, year=2024))
    assert sheet[0] == tuple(c.header for c in SUMMARY)
    body = sheet[1:]
    assert len(body) == 8  # the closed participations of 2024 (#1–#7, #12), not B's
    first = dict(zip(sheet[0], body[0], strict=True))
    assert first["Kön"] in ("Kvinna", "Man") and first["Kommunkod"] == "0680"
    assert first["Folkbokföringskommun"] == "Jönköping"
    assert isinstance(first["Inskrivningsdatum"], datetime)  # a real date cell
    text = repr(sheet)
    assert "Personnummer" not in text and "Test Testsson" not in text
    book = load_workbook(io.BytesIO(export(world, year=2024)))
    assert book.worksheets[0].freeze_panes == "A2"
    assert book.worksheets[0].column_dimensions["A"].width > 10
    by_reason = {r[list(sheet[0]).index("Avslutsanledning")] for r in body}
    assert "1 Utskrivning - till arbete, studier eller arbetsökande" in by_reason
    young = [r for r in body if r[list(sheet[0]).index("Yngre än 30 år")] == "Ja"]
    assert len(young) == 3  # #1, #3, #7


def test_export_filters_by_insats_and_year(world: World) -> None:
    assert len(rows(export(world, year=2024, insats_id=world.insats_a2.id))) == 2
    assert len(rows(export(world, year=2023))) == 2  # #10
    assert len(rows(export(world))) == 10  # every closed one: 9 + header


def test_export_import_export_gives_the_same_sheet(world: World) -> None:
    first = export(world, year=2024, insats_id=world.insats_a1.id, identity=True, full=True)
    plan = read(first, world)
    assert plan.errors == [] and plan.rows == 7 and len(plan.valid) == 7
    result = import_rows(plan, world.insats_a2, by=world.users["deltagaransvarig"],
                         reason="flytt från Excel", valid_only=False)
    db.session.commit()
    assert result.imported == 7
    again = export(world, year=2024, insats_id=world.insats_a2.id, identity=True, full=True)
    before, after = rows(first), rows(again)
    insats = list(before[0]).index("Insats")
    strip = [tuple(v for i, v in enumerate(r) if i != insats) for r in before]
    # A2 had #12 already; the imported seven are the same rows under another insats name.
    imported = [tuple(v for i, v in enumerate(r) if i != insats) for r in after]
    assert all(row in imported for row in strip)
    assert len(after) == len(before) + 1
    withdrawn = db.session.query(Consent).filter_by(
        insats_id=world.insats_a2.id, status="withdrawn").count()
    assert withdrawn == 1  # #5 ended with reason 6


def sheet_bytes(header: list[str], *body: list[object], formula: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in body:
        sheet.append(row)
    if formula:
        sheet["A2"] = formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def valid_row(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {c.header: None for c in IMPORT_COLUMNS}
    row.update({
        "Personnummer": "19900101-0108", "Namn": "Ny Person", "Insats": "Gamla insatsen",
        "Kön": "Kvinna", "Kommunkod": "0680", "Inskrivningsdatum": date(2024, 3, 1),
        "Utskrivningsdatum": date(2024, 9, 1),
        "Tid i offentlig försörjning före inskrivning": "Upp till 1 år",
        "Avslutsanledning": "2 Utskrivning - fortsatt rehabilitering",
        "Utbildning": "Gymnasium", "Offentlig försörjning före": "Försörjningsstöd",
        "Aktivt arbetssökande före": "Nej", "Arbetar före": "Nej", "Studerar före": "Nej",
        "Offentlig försörjning efter": "Ingen offentlig försörjning",
        "Aktivt arbetssökande efter": "Nej", "Arbetar efter": "Nej", "Studerar efter": "Nej"})
    row.update(changes)
    return row


def sheet_of(*dict_rows: dict[str, object]) -> bytes:
    header = [c.header for c in IMPORT_COLUMNS]
    return sheet_bytes(header, *([r[h] for h in header] for r in dict_rows))


def test_row_errors_name_row_and_column(world: World) -> None:
    data = sheet_of(
        valid_row(),
        valid_row(Personnummer="19900101-0109", Kommunkod="9999"),  # Luhn; no such kommun
        valid_row(Personnummer="19850101-0105", **{"Arbetar före": "Ja"}),  # % and typ missing
        valid_row(Personnummer="19850101-0022", **{
            "Avslutsanledning": "8 Felregistrering"}),
        valid_row(Personnummer="19850101-0048", Utskrivningsdatum=date(2023, 1, 1)),
    )
    plan = read(data, world)
    assert plan.rows == 5 and len(plan.valid) == 1
    where = {(e.row, e.column) for e in plan.errors}
    assert (3, "Personnummer") in where and (3, "Kommunkod") in where
    assert (4, "Arbete % före") in where and (4, "Arbetstyp före") in where
    assert (5, "Avslutsanledning") in where
    assert (6, "Utskrivningsdatum") in where  # before the start
    assert plan.invalid_rows == 4
    with pytest.raises(RuleViolation):  # all or nothing: nothing
        import_rows(plan, world.insats_a2, by=None, reason="flytt", valid_only=False)
    before = db.session.query(Registration).count()
    result = import_rows(plan, world.insats_a2, by=None, reason="flytt", valid_only=True)
    db.session.commit()
    assert (result.imported, result.skipped) == (1, 4)
    assert db.session.query(Registration).count() == before + 1


def test_kon_must_match_the_personnummer_and_one_insats_per_file(world: World) -> None:
    plan = read(sheet_of(valid_row(Kön="Man"),
                         valid_row(Personnummer="19850101-0105", Insats="Annan")), world)
    assert {(e.row, e.column) for e in plan.errors} == {(2, "Kön"), (3, "Insats")}


@pytest.mark.parametrize(("data", "words"), [
    (b"PK\x03\x04 not really a zip", "inte en Excel-fil"),
    (b"name;kon\nAnna;K\n", "inte en Excel-fil"),
    (b"x" * 6_000_000, "för stor"),
])
def test_files_that_are_not_sheets_are_refused(world: World, data: bytes, words: str) -> None:
    with pytest.raises(SheetRefused) as refused:
        read(data, world)
    assert words in str(refused.value.message)


def test_formulas_macros_and_wrong_columns_are_refused(world: World) -> None:
    header = [c.header for c in IMPORT_COLUMNS]
    with pytest.raises(SheetRefused, match="formler"):
        read(sheet_bytes(header, ["x"] * len(header), formula="=1+1"), world)
    with pytest.raises(SheetRefused, match="Kolumnerna"):
        read(sheet_bytes(["Namn", "Hemlig kolumn"], ["a", "b"]), world)
    data = io.BytesIO(sheet_of(valid_row()))
    with zipfile.ZipFile(data, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"macro")
    with pytest.raises(SheetRefused, match="makron"):
        read(data.getvalue(), world)
    many = sheet_of(*[valid_row() for _ in range(3)])
    with pytest.raises(SheetRefused, match="fler än"):
        read_sheet(many, world.insats_a2, today=TODAY, max_bytes=5_000_000, max_rows=2)


def test_report_workbook(world: World) -> None:
    report = build_report("resultat", Filters(world.forbund_a.id, 2024), 5,
                          {"År": "2024"})
    book = load_workbook(io.BytesIO(report_workbook(report, datetime(2026, 1, 15))))
    assert len(book.worksheets) == 1 + len(report.tables)
    sheet = book.worksheets[1]
    assert sheet.freeze_panes == "B2"
    values = {r[0]: r[1:] for r in sheet.iter_rows(values_only=True)}
    assert values["Avslutade deltagare med mätning efter"][0] == 6  # Alla
    assert values["Avslutade deltagare med mätning efter"][1] == 1  # 100 %, a real percentage
    assert "–" in values["Arbetar eller studerar – före"]  # 2 < 5: hidden
