"""A streaming reader of an .xlsx's first sheet: its rows as tuples of cell values, in C.

openpyxl's read-only mode builds a Python object per cell and, for a sheet without a
``<dimension>`` (formapp's own export, openpyxl's write-only files), parses the whole sheet once
more just to size it: at 10,000 rows that was three fifths of an import's time (issue 21). This
reads only what the import needs, with lxml's C parser: shared strings, which cell styles are
dates (and the 1904 date system), and then the sheet a ``<row>`` at a time, freed as it goes.
Values come out as openpyxl's would: text, int or float, bool, datetime for a date-styled
number, the error text (``#N/A``) for an error cell. A cell with a formula is reported as such
(:class:`Formula`), since its cached value is not what the officer typed.

No DTD is accepted (the size limits of ``sheet_limits`` have been checked before this runs) and
no entity is resolved, no network touched.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from posixpath import dirname, join, normpath
from typing import Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
WORKBOOK = "xl/workbook.xml"


class NotASheet(ValueError):
    """The workbook's parts are missing or not the XML they should be."""


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula (the import refuses these)."""

    text: str


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def _no_dtd(archive: zipfile.ZipFile, name: str) -> None:
    with archive.open(name) as part:
        if _DOCTYPE.search(part.read(4096)):
            raise NotASheet(f"{name}: a DTD is not allowed")


def _tree(archive: zipfile.ZipFile, name: str) -> Any:
    _no_dtd(archive, name)
    try:
        with archive.open(name) as part:
            return etree.parse(part, _parser()).getroot()
    except etree.XMLSyntaxError as exc:
        raise NotASheet(f"{name}: {exc}") from exc


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(element: Any, name: str) -> Iterator[Any]:
    return (child for child in element if _local(child.tag) == name)


def _text(element: Any) -> str:
    """The text of a string item (``<si>`` or ``<is>``): plain and rich runs, without the
    phonetic guides (``<rPh>``), as openpyxl reads it."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in _children(child, "t"))
    return "".join(parts)


@dataclass(frozen=True)
class _Book:
    sheet: str  # the first sheet's part name
    strings: list[str]
    dates: frozenset[int]  # cell style indexes with a date format
    epoch: datetime


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (the type's last word, target part name) of ``part``."""
    name = join(dirname(part), "_rels", part.rsplit("/", 1)[-1] + ".rels")
    if name not in archive.namelist():
        return {}
    found = {}
    for rel in _tree(archive, name):
        target = rel.get("Target", "")
        found[rel.get("Id", "")] = (
            rel.get("Type", "").rsplit("/", 1)[-1],
            normpath(target.lstrip("/")) if target.startswith("/")
            else normpath(join(dirname(part), target)))
    return found


def first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The part name of the workbook's first sheet, None when it has none."""
    root = _tree(archive, WORKBOOK)
    rels = _rels(archive, WORKBOOK)
    sheets = [s for child in root if _local(child.tag) == "sheets" for s in child]
    if not sheets:
        return None
    # The relationship id's namespace differs between transitional and strict files.
    first = next((rels[value][1] for key, value in sheets[0].attrib.items()
                  if key.endswith("}id") and value in rels), None)
    if first not in archive.namelist():
        raise NotASheet("the workbook's first sheet is missing")
    return first


def _book(archive: zipfile.ZipFile) -> _Book:
    names = set(archive.namelist())
    first = first_sheet(archive)
    if first is None:
        raise NotASheet("the workbook has no sheet")
    root = _tree(archive, WORKBOOK)
    rels = _rels(archive, WORKBOOK)
    properties = next(_children(root, "workbookPr"), None)
    mac = properties is not None and properties.get("date1904", "").lower() in ("1", "true")
    by_type = dict(rels.values())
    strings_part = by_type.get("sharedStrings", "xl/sharedStrings.xml")
    strings = ([_text(si) for si in _tree(archive, strings_part)]
               if strings_part in names else [])
    styles_part = by_type.get("styles", "xl/styles.xml")
    dates = _date_styles(archive, styles_part) if styles_part in names else frozenset()
    return _Book(first, strings, dates, CALENDAR_MAC_1904 if mac else CALENDAR_WINDOWS_1900)


def _date_styles(archive: zipfile.ZipFile, part: str) -> frozenset[int]:
    root = _tree(archive, part)
    custom = {int(f.get("numFmtId", "-1")): f.get("formatCode", "")
              for block in _children(root, "numFmts") for f in _children(block, "numFmt")}
    dates = set()
    for block in _children(root, "cellXfs"):
        for index, xf in enumerate(_children(block, "xf")):
            number = int(xf.get("numFmtId", "0"))
            code = custom.get(number) or BUILTIN_FORMATS.get(number)
            if code and is_date_format(code):
                dates.add(index)
    return frozenset(dates)


_COLUMNS: dict[str, int] = {}  # "AB" → 28, filled as met


def _column(reference: str | None, previous: int) -> int:
    if not reference:
        return previous + 1
    letters = reference.rstrip("0123456789")
    number = _COLUMNS.get(letters)
    if number is None:
        if not letters or not letters.isascii() or not letters.isupper() or len(letters) > 3:
            return previous + 1
        number = 0
        for letter in letters:
            number = number * 26 + ord(letter) - 64
        _COLUMNS[letters] = number
    return number


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def _value(cell: Any, book: _Book, tags: _Tags) -> object:
    kind = cell.get("t", "n")
    value = formula = inline = None
    for child in cell:
        tag = child.tag
        if tag == tags.v:
            value = child.text
        elif tag == tags.f:
            formula = child.text or "="
        elif tag == tags.inline:
            inline = child
    if formula is not None:
        return Formula(formula)
    if kind == "inlineStr":
        return _text(inline) if inline is not None else None
    if value is None or value == "":
        return None
    if kind == "s":
        return book.strings[int(value)]
    if kind == "b":
        return value.strip() in ("1", "true")
    if kind in ("str", "e"):
        return value
    if kind == "d":
        return datetime.fromisoformat(value)
    number = _number(value)
    if book.dates and int(cell.get("s", "0") or 0) in book.dates:
        try:
            return from_excel(number, book.epoch)
        except (OverflowError, ValueError):
            return "#VALUE!"
    return number


@dataclass(frozen=True)
class _Tags:
    """The element names in the sheet's namespace (transitional or strict)."""

    c: str
    v: str
    f: str
    inline: str

    @classmethod
    def of(cls, row_tag: str) -> _Tags:
        space = row_tag[:-3]  # "{namespace}" of "{namespace}row"
        return cls(f"{space}c", f"{space}v", f"{space}f", f"{space}is")


def sheet_rows(archive: zipfile.ZipFile) -> Iterator[tuple[int, tuple[object, ...]]]:
    """(Excel's row number, the row's values from column A) for every row the sheet stores.
    Raises :class:`NotASheet` for parts that are not a workbook's XML."""
    book = _book(archive)
    _no_dtd(archive, book.sheet)
    row_tags = (f"{{{MAIN}}}row", f"{{{STRICT}}}row")
    number = 0
    tags = None
    try:
        with archive.open(book.sheet) as part:
            for _, row in etree.iterparse(part, events=("end",), tag=row_tags,
                                          resolve_entities=False, no_network=True,
                                          load_dtd=False, huge_tree=False):
                if tags is None:
                    tags = _Tags.of(row.tag)
                given = row.get("r")
                number = int(given) if given and given.isdigit() else number + 1
                values: list[object] = []
                column = 0
                for cell in row:
                    if cell.tag != tags.c:
                        continue
                    column = _column(cell.get("r"), column)
                    if column > len(values) + 1:
                        values.extend([None] * (column - len(values) - 1))
                    if column <= len(values):
                        values[column - 1] = _value(cell, book, tags)
                    else:
                        values.append(_value(cell, book, tags))
                row.clear(keep_tail=False)
                parent = row.getparent()
                while parent is not None and row.getprevious() is not None:
                    del parent[0]
                yield number, tuple(values)
    except etree.XMLSyntaxError as exc:
        raise NotASheet(f"{book.sheet}: {exc}") from exc
    except (IndexError, ValueError) as exc:  # a shared string index or number out of shape
        raise NotASheet(f"{book.sheet}: {exc}") from exc
