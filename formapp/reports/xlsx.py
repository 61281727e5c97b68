"""A streaming .xlsx writer for the participant export: rows go straight into the sheet's XML
inside the zip, a batch at a time, never all in memory.

openpyxl's write-only mode builds and serialises an lxml element per cell: at 40,000 rows that
was four fifths of the export's time (issue 10). This writes only what the export needs: text
(as shared strings), numbers, real dates (a number with a yyyy-mm-dd format, which Excel,
LibreOffice and openpyxl read as a date), a bold filled header row frozen in place and column
widths. Every cell of a row is written, empty ones too, so a reader sees full-width rows.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import BinaryIO, cast
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's 1900 date system, leap-year quirk included
BATCH = 1000  # rows per write to the zip stream
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
PLAIN, DATE, HEADER = 0, 1, 2  # the cell styles of STYLES, in order

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
</numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="3">\
<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FFDDE7F0"/></patternFill></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" \
applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""


class XlsxWriter:
    """``with XlsxWriter(out) as book: book.sheet(...)``; the workbook is complete on exit."""

    def __init__(self, out: BinaryIO) -> None:
        # Level 1: the sheet XML is repetitive enough that more effort buys little but time.
        self._zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._strings: dict[str, int] = {}
        self._titles: list[str] = []

    def __enter__(self) -> XlsxWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is None:
            self._finish()
        self._zip.close()

    def sheet(self, title: str, rows: Iterable[Sequence[object]], *,
              header: Sequence[str] = (), widths: Sequence[float] = ()) -> int:
        """A sheet with ``header`` (bold, filled, frozen) over ``rows``; how many rows."""
        self._titles.append(title)
        letters = [get_column_letter(i + 1) for i in range(max(len(header), len(widths), 1))]
        count = 0
        with self._zip.open(f"xl/worksheets/sheet{len(self._titles)}.xml", "w") as part:
            part.write(_sheet_start(header, widths).encode())
            number = 1
            if header:
                part.write(self._row(1, header, letters, HEADER).encode())
                number = 2
            batch: list[str] = []
            for values in rows:
                if len(values) > len(letters):
                    letters += [get_column_letter(i + 1)
                                for i in range(len(letters), len(values))]
                batch.append(self._row(number, values, letters, PLAIN))
                number += 1
                count += 1
                if len(batch) == BATCH:
                    part.write("".join(batch).encode())
                    batch.clear()
            part.write(("".join(batch) + "</sheetData></worksheet>").encode())
        return count

    def _row(self, number: int, values: Sequence[object], letters: list[str],
             style: int) -> str:
        styled = f' s="{style}"' if style else ""
        strings = self._strings
        cells = []
        for letter, value in zip(letters, values, strict=False):
            kind = type(value)  # exact types first: this runs once a cell
            if kind is str and value:
                index = strings.get(cast(str, value))
                if index is None:
                    index = strings[value] = len(strings)  # type: ignore[index]
                cells.append(f'<c r="{letter}{number}"{styled} t="s"><v>{index}</v></c>')
            elif value is None or kind is str:
                cells.append(f'<c r="{letter}{number}"{styled}/>')
            elif kind is int or kind is float:
                cells.append(f'<c r="{letter}{number}"{styled}><v>{value!r}</v></c>')
            elif kind is date:
                days = (value - EXCEL_EPOCH).days  # type: ignore[operator]
                cells.append(f'<c r="{letter}{number}" s="{DATE}"><v>{days}</v></c>')
            else:
                cells.append(self._other(f"{letter}{number}", value, styled))
        return f'<row r="{number}">{"".join(cells)}</row>'

    def _other(self, ref: str, value: object, styled: str) -> str:
        if isinstance(value, bool):
            return f'<c r="{ref}"{styled} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, datetime):
            days = (value - datetime(1899, 12, 30, tzinfo=value.tzinfo)).total_seconds() / 86400
            return f'<c r="{ref}" s="{DATE}"><v>{days!r}</v></c>'
        if isinstance(value, date):
            return f'<c r="{ref}" s="{DATE}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}"{styled}><v>{value!r}</v></c>'
        text = str(value)
        index = self._strings.setdefault(text, len(self._strings))
        return f'<c r="{ref}"{styled} t="s"><v>{index}</v></c>'

    def _finish(self) -> None:
        strings = "".join(f'<si><t xml:space="preserve">{escape(_NOT_XML.sub("", s))}</t></si>'
                          for s in self._strings)
        self._zip.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?>'
                           f'<sst xmlns="{MAIN}" uniqueCount="{len(self._strings)}">'
                           f'{strings}</sst>')
        self._zip.writestr("xl/styles.xml", STYLES)
        sheets = "".join(f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
                         for n, title in enumerate(self._titles, start=1))
        self._zip.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?>'
                           f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
                           f'<sheets>{sheets}</sheets></workbook>')
        parts = [(f"worksheets/sheet{n}.xml", "worksheet")
                 for n in range(1, len(self._titles) + 1)]
        parts += [("styles.xml", "styles"), ("sharedStrings.xml", "sharedStrings")]
        links = "".join(f'<Relationship Id="rId{n}" Type="{DOC_RELS}/{kind}" Target="{target}"/>'
                        for n, (target, kind) in enumerate(parts, start=1))
        self._zip.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{RELS}">'
                           f'{links}</Relationships>')
        self._zip.writestr("_rels/.rels", f'<Relationships xmlns="{RELS}"><Relationship '
                           f'Id="rId1" Type="{DOC_RELS}/officeDocument" '
                           f'Target="xl/workbook.xml"/></Relationships>')
        types = "".join(f'<Override PartName="/xl/{target}" ContentType="{CONTENT}.'
                        f'{kind}+xml"/>' for target, kind in parts)
        self._zip.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CONTENT}.sheet.main+xml"/>'
            f'{types}</Types>'))


def _sheet_start(header: Sequence[str], widths: Sequence[float]) -> str:
    frozen = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
              '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>') if header else ""
    cols = "".join(f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>'
                   for n, w in enumerate(widths, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'
            f'<sheetViews><sheetView workbookViewId="0">{frozen}</sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}'
            '<sheetData>')
