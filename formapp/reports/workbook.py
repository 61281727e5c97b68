"""A report as an .xlsx workbook: a sheet for what it covers, then one sheet per table.

Written with openpyxl's write-only mode (rows streamed to a temporary file, never all in
memory). Counts are numbers, shares are real percentages (0.28 shown as 28 %), a hidden cell
is "–", the header row is frozen and columns have widths.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from formapp.i18n import _lo
from formapp.reports.model import SUPPRESSED_MARK, Cell, Column, Report, Table

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
TOTAL_FONT = Font(bold=True)
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique."""
    base = _SHEET_UNSAFE.sub(" ", title).strip()[:31] or "Blad"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[:31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def header_row(sheet: WriteOnlyWorksheet, headers: Iterable[object]) -> None:
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    sheet.append(cells)


def set_widths(sheet: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _value_cell(sheet: WriteOnlyWorksheet, cell: Cell, column: Column, bold: bool
                ) -> WriteOnlyCell:
    if cell.suppressed:
        out = WriteOnlyCell(sheet, value=SUPPRESSED_MARK)
        out.alignment = Alignment(horizontal="right")
    elif cell.value is None:
        out = WriteOnlyCell(sheet, value=None)
    elif column.unit == "percent":
        out = WriteOnlyCell(sheet, value=round(float(cell.value) / 100, 4))
        out.number_format = "0%"
    elif column.unit == "mean":
        out = WriteOnlyCell(sheet, value=round(float(cell.value), 1))
        out.number_format = "0"
    else:
        out = WriteOnlyCell(sheet, value=cell.value)
    if bold:
        out.font = TOTAL_FONT
    return out


def _table_sheet(book: Workbook, table: Table, taken: set[str]) -> None:
    sheet = book.create_sheet(sheet_title(str(table.title), taken))
    sheet.freeze_panes = "B2"
    set_widths(sheet, [46] + [16] * len(table.columns))
    header_row(sheet, ["", *(column.label for column in table.columns)])
    for row in table.rows:
        label = WriteOnlyCell(sheet, value=str(row.label))
        if row.total:
            label.font = TOTAL_FONT
        sheet.append([label, *(_value_cell(sheet, cell, column, row.total)
                               for cell, column in zip(row.cells, table.columns, strict=True))])
    if table.note:
        sheet.append([])
        sheet.append([str(table.note)])


def report_workbook(report: Report, generated: datetime) -> bytes:
    book = Workbook(write_only=True)
    taken: set[str] = set()
    about = book.create_sheet(sheet_title(str(_lo("Urval")), taken))
    set_widths(about, [34, 70])
    header_row(about, [report.title, ""])
    about.append([str(_lo("Beskrivning")), str(report.description)])
    for label, value in report.scope.items():
        about.append([label, value])
    about.append([str(_lo("Små tal döljs")), str(_lo(
        "Antal under %(threshold)d visas som –, liksom celler som annars kunde räknas fram.",
        threshold=report.threshold))])
    about.append([str(_lo("Skapad")), generated.strftime("%Y-%m-%d %H:%M")])
    for table in report.tables:
        _table_sheet(book, table, taken)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
