"""Excel: the report workbook, the participant export (seeds/000), export → import → export,
and files that must be refused whole or row by row."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date, datetime

import pytest
from flask import Flask
from openpyxl import Workbook, load_workbook
from reportlab.pdfgen import canvas

from formapp.cases.importing import import_rows
from formapp.extensions import db
from formapp.imports import sheet_limits
from formapp.imports.reading import ImportPlan, SheetRefused, read_sheet
from formapp.imports.scans import Scan
from formapp.records.errors import RuleViolation
from formapp.records.models import Consent, Registration
from formapp.reports.catalog import build_report
from formapp.reports.export import ExportRequest, write_export
from formapp.reports.filters import Filters
from formapp.reports.sheet import IMPORT_COLUMNS, SUMMARY
from formapp.reports.workbook import report_workbook
from formapp.webclient import Browser
from tests.imports.importing import finish_import
from tests.reports.dataset import build_dataset
from tests.world import PASSWORD, World, build_world

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


def read(data: bytes, world: World, insats_attr: str = "insats_a2",
         scanned: tuple[int, ...] = ()) -> ImportPlan:
    """The plan of ``data``; ``scanned``: the rows given a scanned paper consent (FK 9443),
    without which a row keeps no personal data (issue 17)."""
    return read_sheet(data, getattr(world, insats_attr), today=TODAY, max_bytes=5_000_000,
                      max_rows=1000,
                      scans=[Scan(f"{row}.pdf", scanned_consent()) for row in scanned])


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
    body = rows(first)
    reason = list(body[0]).index("Avslutsanledning")
    withdrawn = [n for n, r in enumerate(body[1:], start=2) if str(r[reason]).startswith("6")]
    assert len(withdrawn) == 1  # #5 ended with reason 6: its consent is withdrawn
    # Each row's signed paper FK 9443, scanned; the withdrawn one keeps no personal data.
    scans = [Scan(f"{n}.pdf", scanned_consent()) for n in range(2, len(body) + 1)
             if n not in withdrawn]
    plan = read_sheet(first, world.insats_a2, today=TODAY, max_bytes=5_000_000,
                      max_rows=1000, scans=scans)
    assert plan.errors == [] and plan.rows == 7 and len(plan.valid) == 7
    result = import_rows(plan, world.insats_a2, by=world.users["deltagaransvarig"],
                         reason="flytt från Excel", valid_only=False)
    db.session.commit()
    assert (result.imported, result.with_paper, result.anonymous) == (7, 6, 1)
    again = export(world, year=2024, insats_id=world.insats_a2.id, identity=True, full=True)
    before, after = body, rows(again)
    insats = list(before[0]).index("Insats")
    strip = [tuple(v for i, v in enumerate(r) if i != insats)
             for n, r in enumerate(before, start=1) if n not in withdrawn]
    # A2 had #12 already; the imported six are the same rows under another insats name.
    imported = [tuple(v for i, v in enumerate(r) if i != insats) for r in after]
    assert all(row in imported for row in strip)
    assert len(after) == len(before)
    assert db.session.query(Consent).filter_by(insats_id=world.insats_a2.id,
                                               kind="paper").count() == 6


def scanned_consent() -> bytes:
    """A one-page PDF standing in for a scanned, signed paper FK 9443."""
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "FK 9443, underskriven")
    page.save()
    return out.getvalue()


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
    plan = read(data, world, scanned=(2,))
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
    result = import_rows(plan, world.insats_a2, by=world.users["deltagaransvarig"],
                         reason="flytt", valid_only=True)
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


def test_an_import_reason_the_receipt_can_not_print_is_refused(world: World) -> None:
    plan = read(export(world, year=2024, insats_id=world.insats_a1.id, identity=True,
                       full=True), world)
    before = db.session.query(Registration).count()
    with pytest.raises(RuleViolation) as refused:
        import_rows(plan, world.insats_a2, by=None, reason="flytt \u202efrån Excel",
                    valid_only=False)
    assert refused.value.field == "reason" and "U+202E" in str(refused.value.message)
    db.session.rollback()
    assert db.session.query(Registration).count() == before


# --- issue 17: never twice, never overlapping, and hard limits before parsing ----------------

def test_a_file_imported_again_is_skipped_row_by_row_never_duplicated(world: World) -> None:
    officer = world.users["deltagaransvarig"]
    data = sheet_of(valid_row(), valid_row(Personnummer="19850101-0147"))
    first = import_rows(read(data, world, scanned=(2, 3)), world.insats_a2, by=officer,
                        reason="flytt", valid_only=False)
    db.session.commit()
    assert (first.imported, first.already_present) == (2, 0)
    count = db.session.query(Registration).count()
    again = read(data, world, scanned=(2, 3))
    assert again.valid == [] and again.errors == [] and again.already_present == 2
    result = import_rows(again, world.insats_a2, by=officer, reason="flytt", valid_only=False)
    db.session.commit()
    assert (result.imported, result.already_present, result.receipt_sha256) == (0, 2, None)
    assert db.session.query(Registration).count() == count
    # A row present once more in the same file, and a plan read before another import
    # committed it: skipped as well.
    twice = sheet_of(valid_row(Personnummer="19850101-0022"),
                     valid_row(Personnummer="19850101-0022"))
    plan, stale = read(twice, world, scanned=(2,)), read(twice, world, scanned=(2,))
    assert (len(plan.valid), plan.already_present) == (1, 1)
    assert import_rows(plan, world.insats_a2, by=officer, reason="flytt",
                       valid_only=False).imported == 1
    db.session.commit()
    late = import_rows(stale, world.insats_a2, by=officer, reason="flytt", valid_only=False)
    assert (late.imported, late.already_present) == (0, 2)
    assert db.session.query(Registration).count() == count + 1


def test_the_import_page_says_how_many_rows_were_already_present(app: Flask,
                                                                 world: World) -> None:
    browser = Browser(app.test_client())
    browser.login(world.email("deltagaransvarig"), PASSWORD)
    data = sheet_of(valid_row())
    form = {"insats_id": str(world.insats_a1.id), "mode": "alla", "reason": "flytt"}
    for expected in ("1 deltaganden importerades", "1 rader fanns redan i formapp"):
        browser.get("/rapporter/import")
        page = finish_import(browser, browser.post("/rapporter/import", {
            **form, "file": (io.BytesIO(data), "deltagare.xlsx")})).get_data(as_text=True)
        assert expected in page, page[-3000:]


def test_overlapping_periods_of_one_person_in_one_insats_are_refused(world: World) -> None:
    data = sheet_of(
        valid_row(),  # 2024-03-01 – 2024-09-01
        valid_row(Inskrivningsdatum=date(2024, 8, 1), Utskrivningsdatum=date(2024, 12, 1)),
        valid_row(Inskrivningsdatum=date(2024, 10, 1), Utskrivningsdatum=None,
                  Avslutsanledning=None, **{"Offentlig försörjning efter": None,
                                            "Aktivt arbetssökande efter": None,
                                            "Arbetar efter": None, "Studerar efter": None}),
    )
    plan = read(data, world, scanned=(2, 4))
    assert [(e.row, e.column) for e in plan.errors] == [(3, "Inskrivningsdatum")]
    assert "rad 2" in plan.errors[0].message
    assert len(plan.valid) == 2  # the first and the open one from 2024-10-01
    import_rows(plan, world.insats_a2, by=world.users["deltagaransvarig"], reason="flytt",
                valid_only=True)
    db.session.commit()
    # Against what is stored now: the open one runs on, the first ends 2024-09-01.
    later = read(sheet_of(valid_row(Inskrivningsdatum=date(2025, 1, 1),
                                    Utskrivningsdatum=date(2025, 2, 1)),
                          valid_row(Inskrivningsdatum=date(2024, 2, 1),
                                    Utskrivningsdatum=date(2024, 3, 1))), world)
    assert [(e.row, e.column) for e in plan.errors + later.errors][1:] == [
        (2, "Inskrivningsdatum"), (3, "Inskrivningsdatum")]
    assert "pågår" in later.errors[0].message and "2024-09-01" in later.errors[1].message


def _rewritten(data: bytes, sheet_xml) -> bytes:
    """``data`` with its sheet's XML written anew by ``sheet_xml(xml, stream)``, straight with
    zipfile (streamed: a few hundred KB on disk, however much it unpacks to)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, content)
                continue
            entry = zipfile.ZipInfo(info.filename)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with target.open(entry, "w", force_zip64=True) as sheet:
                sheet_xml(content, sheet)
    return out.getvalue()


def _bomb(blank_rows_mb: int, *, dimension: str = "A1:AD1") -> bytes:
    """A valid header row, then blank rows until the sheet unpacks to ``blank_rows_mb`` MB."""
    def write(xml: bytes, sheet) -> None:
        head, _, rest = xml.partition(b"<sheetData>")
        header_row = rest[:rest.index(b"</row>") + len(b"</row>")]
        head = head.replace(b'<dimension ref="A1:AD2"/>', f'<dimension ref="{dimension}"/>'
                            .encode())
        sheet.write(head + b"<sheetData>" + header_row)
        blank = b"<row/>" * (1024 * 1024 // 6)
        for _ in range(blank_rows_mb):
            sheet.write(blank)
        sheet.write(b"</sheetData></worksheet>")

    return _rewritten(sheet_of(valid_row()), write)


def test_a_sheet_that_unpacks_to_blank_rows_is_refused_before_parsing(world: World) -> None:
    """600 KB that unpacks to 195 MB of blank rows (issue 17, point 9): refused with the
    real limits, whatever the sheet's <dimension> says (here: one row, a lie)."""
    data = _bomb(195)
    assert len(data) < 1_000_000
    started = time.perf_counter()
    with pytest.raises(SheetRefused) as refused:
        read_sheet(data, world.insats_a2, today=TODAY, max_bytes=20 * 1024 * 1024,
                   max_rows=50_000)
    elapsed = time.perf_counter() - started
    print(f"\nblank-row bomb: {len(data) // 1024} KB packed, refused in {elapsed:.3f} s")
    assert "fler än 50000 rader" in str(refused.value.message)
    assert "tomma rader räknas med" in str(refused.value.message)


@pytest.mark.parametrize(("dimension", "words"), [
    ("A1:AD90000", "fler än 1000 rader"),
    ("A1:ZZ2", "fler än 200 celler"),
])
def test_a_sheet_that_says_it_is_too_large_is_refused_unread(world: World, dimension: str,
                                                            words: str) -> None:
    with pytest.raises(SheetRefused, match=words):
        read(_bomb(0, dimension=dimension), world)


def test_declared_unpacked_sizes_rows_and_cells_are_counted(world: World) -> None:
    # Declared sizes past the budget for the row cap: refused from the zip's directory.
    with pytest.raises(SheetRefused, match="för stor när den packas upp"):
        read_sheet(_bomb(24), world.insats_a2, today=TODAY, max_bytes=5_000_000,
                   max_rows=1000)
    # A row number that jumps ahead counts every row it skips.
    header = [c.header for c in IMPORT_COLUMNS]
    book = Workbook()
    book.active.append(header)
    book.active.cell(row=5000, column=1, value="19900101-0108")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(SheetRefused, match="fler än 1000 rader"):
        read(out.getvalue(), world)
    # Too many cells on one row, even blank ones.
    wide = Workbook()
    wide.active.append(header + [None] * 10)
    for column in range(1, 300):
        wide.active.cell(row=2, column=column).number_format = "0.00"
    out = io.BytesIO()
    wide.save(out)
    with pytest.raises(SheetRefused, match="fler än 200 celler"):
        read(out.getvalue(), world)
    # And a dimension smaller than the data no longer hides rows: all are read.
    plain = sheet_of(valid_row(), valid_row(Personnummer="19850101-0147"))
    lying = _rewritten(plain, lambda xml, sheet: sheet.write(
        xml.replace(b'ref="A1:AD3"', b'ref="A1:AD1"')))
    assert read(lying, world).rows == 2


def test_the_streamed_count_is_exact_across_chunk_boundaries(monkeypatch) -> None:
    data = sheet_of(*[valid_row() for _ in range(300)])
    monkeypatch.setattr(sheet_limits, "CHUNK", 997)  # every element cut somewhere
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sheet_limits.check_sheet(archive, "xl/worksheets/sheet1.xml", 1000) == 301
        with pytest.raises(sheet_limits.LimitExceeded):
            sheet_limits.check_sheet(archive, "xl/worksheets/sheet1.xml", 299)
