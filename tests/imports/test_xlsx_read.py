"""The import's own sheet reader (issue 21) reads what openpyxl reads: text (shared and inline),
numbers, booleans, dates (both date systems), gaps, and says which cells hold formulas."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from formapp.imports.xlsx_read import Formula, NotASheet, first_sheet, sheet_rows
from formapp.reports.xlsx import XlsxWriter

ROWS = [
    ["Personnummer", "Namn", "Inskrivningsdatum", "Arbete % före", "Ja?", None, "Sist"],
    ["19900101-0108", "Åsa Öberg", datetime(2024, 3, 1), 50, True, None, 1.5],
    [None, "  blanka  ", datetime(2023, 12, 31, 0, 0), 0, False, "gap", -2],
    ["x" * 300, "&<>\"'", None, 1e21, None, None, "slut"],
]


def workbook_bytes(*, date1904: bool = False, write_only: bool = False) -> bytes:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("Deltagare") if write_only else book.active
    if date1904:
        book.epoch = datetime(1904, 1, 1)
    for row in ROWS:
        sheet.append(row)
    if not write_only:
        sheet["B5"] = CellRichText("fet ", TextBlock(InlineFont(b=True), "text"))
        sheet["C5"] = date(2025, 6, 30)
        sheet["C5"].number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ours(data: bytes) -> list[tuple[object, ...]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [values for _, values in sheet_rows(archive)]


def theirs(data: bytes) -> list[tuple[object, ...]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = [tuple(str(v) if isinstance(v, CellRichText) else v for v in row)
            for row in sheet.iter_rows(values_only=True)]
    # Ours ends a row at its last stored cell; openpyxl pads every row to the sheet's width.
    return [row[:max((i + 1 for i, v in enumerate(row) if v is not None), default=0)]
            for row in rows]


@pytest.mark.parametrize("options", [{}, {"date1904": True}, {"write_only": True}])
def test_the_values_are_openpyxls(options: dict[str, bool]) -> None:
    data = workbook_bytes(**options)
    found = ours(data)
    assert found == theirs(data)
    assert found[1][2] == datetime(2024, 3, 1) and found[1][4] is True and found[1][3] == 50


def test_formapps_own_export_reads_back() -> None:
    out = io.BytesIO()
    with XlsxWriter(out) as book:
        book.sheet("Deltagare", [["19900101-0108", date(2024, 3, 1), 25, None, "Ja"]],
                   header=["Personnummer", "Inskrivningsdatum", "Arbete % före", "Tom", "Sist"])
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert first_sheet(archive) == "xl/worksheets/sheet1.xml"
        rows = list(sheet_rows(archive))
    assert rows[1] == (2, ("19900101-0108", datetime(2024, 3, 1), 25, None, "Ja"))


def test_a_formula_is_reported_and_row_numbers_follow_the_sheet() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["a", "b"])
    sheet["A4"] = "=1+1"
    sheet["C4"] = "tredje"
    out = io.BytesIO()
    book.save(out)
    rows = dict(ours_numbered(out.getvalue()))
    assert set(rows) == {1, 4}  # the blank rows 2 and 3 are not stored
    assert rows[4][0] == Formula("1+1") and rows[4][1:] == (None, "tredje")


def ours_numbered(data: bytes) -> list[tuple[int, tuple[object, ...]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return list(sheet_rows(archive))


DTD = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'


def test_a_dtd_is_refused() -> None:
    data = workbook_bytes()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                head, _, body = content.rpartition(b"?>") if content.startswith(b"<?xml") \
                    else (b"", b"", content)
                content = (head + b"?>" if head else b"") + DTD + body
                assert DTD in content
            target.writestr(item, content)
    with pytest.raises(NotASheet):
        ours(out.getvalue())
