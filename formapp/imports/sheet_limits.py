"""Hard limits on an uploaded .xlsx, checked before openpyxl parses a cell of it (issue 17).

An .xlsx is a zip: 600 KB can unpack to 195 MB of blank rows, and a parser that skips blank
rows before counting them works through all of them. So, in this order, each step cheap:

1. the zip's declared uncompressed sizes (``zipfile`` never unpacks more than it declares:
   a member that lies fails its CRC check) against a budget for the row cap;
2. the sheet's ``<dimension>`` (rows and columns it says it has);
3. one streamed pass over the sheet's XML, unpacked a chunk at a time and never whole, that
   counts rows, blank ones included (and a row number that jumps ahead counts up to it), and
   cells per row, and stops at the first limit crossed.

A hostile file is refused after unpacking only as much as it takes to cross a limit.
"""

from __future__ import annotations

import re
import zipfile

from formapp.i18n import _lo

MAX_UNPACKED = 200 * 1024 * 1024  # whatever the row cap, more than this is not a sheet
BASE_UNPACKED = 16 * 1024 * 1024  # styles, shared strings, themes of an ordinary workbook
ROW_BYTES = 4096  # one row of the export's ~45 columns is ≈ 1 KB of XML; room for long text
MAX_COLUMNS = 200  # cells in one row (the export has ≈ 45 columns)
CHUNK = 1024 * 1024

_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="([^"]*)"')
_REF = re.compile(r"([A-Z]*)(\d*)$")
# A row element (<row …>, <x:row …>) and a cell (<c …>, <x:c …>; not <col>, <cfRule> …).
_ROW = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])([^>]*)>')
_CELL = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_TAIL = 4096  # an element cut by a chunk boundary is scanned with the next chunk


class LimitExceeded(ValueError):
    """The file crosses a limit; ``message`` says which, in the officer's language."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


def unpacked_budget(max_rows: int) -> int:
    return min(MAX_UNPACKED, BASE_UNPACKED + (max_rows + 1) * ROW_BYTES)


def check_declared_sizes(archive: zipfile.ZipFile, max_rows: int) -> None:
    declared = sum(info.file_size for info in archive.infolist())
    budget = unpacked_budget(max_rows)
    if declared > budget:
        raise LimitExceeded(_lo(
            "Filen är för stor när den packas upp (%(size)d MB; högst %(max)d MB för "
            "%(rows)d rader). Ta bort tomma rader och kolumner, eller dela upp filen.",
            size=declared // (1024 * 1024), max=budget // (1024 * 1024), rows=max_rows))


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _too_many_rows(max_rows: int) -> LimitExceeded:
    return LimitExceeded(_lo(
        "Arket har fler än %(max)d rader (tomma rader räknas med). Ta bort tomma rader under "
        "tabellen, eller dela upp filen.", max=max_rows))


def _too_many_cells(row: int) -> LimitExceeded:
    return LimitExceeded(_lo(
        "Rad %(row)d har fler än %(max)d celler. Ta bort tomma kolumner till höger om "
        "tabellen och försök igen.", row=row, max=MAX_COLUMNS))


def _check_dimension(head: bytes, max_rows: int) -> None:
    match = _DIMENSION.search(head)
    if match is None:
        return  # optional in the format: the streamed count decides
    last = match.group(1).decode("ascii", "replace").upper().rpartition(":")[2]
    parts = _REF.match(last)
    if parts is None:
        return
    letters, digits = parts.groups()
    if digits and int(digits) > max_rows + 1:
        raise _too_many_rows(max_rows)
    if letters and _column_number(letters) > MAX_COLUMNS:
        raise _too_many_cells(1)


def check_sheet(archive: zipfile.ZipFile, path: str, max_rows: int) -> int:
    """Count the rows of the sheet at ``path`` (header included) without parsing it; raises
    :class:`LimitExceeded` at the first limit crossed."""
    rows = cells = 0
    first = True
    pending = b""
    with archive.open(path) as source:
        while True:
            chunk = source.read(CHUNK)
            data = pending + chunk
            if first:
                _check_dimension(data[:65536], max_rows)
                first = False
            # Leave an element that may continue in the next chunk for then.
            cut = len(data) if not chunk else max(data.rfind(b"<", len(data) - _TAIL), 0)
            if chunk and cut == 0:
                cut = len(data)
            # A Python step per row, the cells between two rows counted by the regex engine.
            after = 0
            for match in _ROW.finditer(data, 0, cut):
                cells += len(_CELL.findall(data, after, match.start()))
                if cells > MAX_COLUMNS:
                    raise _too_many_cells(rows)
                number = _ROW_NUMBER.search(match.group(1))
                rows = max(rows + 1, int(number.group(1)) if number else 0)
                if rows > max_rows + 1:
                    raise _too_many_rows(max_rows)
                cells, after = 0, match.end()
            cells += len(_CELL.findall(data, after, cut))
            if cells > MAX_COLUMNS:
                raise _too_many_cells(rows)
            pending = data[cut:]
            if not chunk:
                return rows
