"""Scanned paper consents (FK 9443) given with an import, matched to the sheet's rows.

Each scan is one PDF named by the row it belongs to: its row number as Excel shows it
("12.pdf", "rad 12.pdf") or the person's personnummer ("19900101-1234.pdf",
"199001011234.pdf"). A name that matches no row refuses the whole import (the officer meant
something formapp can not tell); a scan that is not a readable PDF, or is too large, is an
error of its row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from formapp.documents.scan_check import MAX_SCAN_BYTES, ScanRefused, check_scan
from formapp.i18n import _lo

COLUMN = "Samtycke (PDF)"  # where a scan's problems are shown, as if it were a column
MAX_SCANS = 5000


@dataclass(frozen=True)
class Scan:
    filename: str
    data: bytes


@dataclass(frozen=True)
class ScanKey:
    """What a file name names: a row number or a personnummer's digits (10 or 12)."""

    row: int | None = None
    digits: str | None = None


class ScanNameError(ValueError):
    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


def key_of(filename: str) -> ScanKey:
    base = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if not base.lower().endswith(".pdf"):
        raise ScanNameError(_lo("”%(name)s” är ingen PDF-fil (filnamnet ska sluta på .pdf).",
                                name=base))
    digits = re.sub(r"\D", "", base[:-4])
    if len(digits) in (10, 12):
        return ScanKey(digits=digits)
    if 1 <= len(digits) <= 6:
        return ScanKey(row=int(digits))
    raise ScanNameError(_lo("Skanningen ”%(name)s”: namnge filen med radnumret i Excel "
                            "(till exempel 12.pdf) eller med personnumret.", name=base))


def message(refused: ScanRefused) -> str:
    return str({
        "too_large": _lo("Skanningen är för stor (högst %(mb)d MB).",
                         mb=MAX_SCAN_BYTES // (1024 * 1024)),
        "encrypted": _lo("Skanningen är lösenordsskyddad. Skanna blanketten utan lösenord."),
        "empty": _lo("Skanningen är tom."),
        "not_pdf": _lo("Skanningen är ingen PDF-fil."),
    }.get(refused.reason, _lo("Skanningen kunde inte läsas som PDF.")))


def match(scans: Iterable[Scan], rows: Mapping[int, str | None]) -> dict[int, Scan]:
    """Each scan's row (``rows``: row number → personnummer digits, None without one).
    Raises ScanNameError for a name that matches no row, or two scans for one row."""
    by_row: dict[int, Scan] = {}
    scans = list(scans)
    if len(scans) > MAX_SCANS:
        raise ScanNameError(_lo("Högst %(max)d skanningar åt gången.", max=MAX_SCANS))
    for scan in scans:
        key = key_of(scan.filename)
        found = [number for number, digits in rows.items()
                 if (key.row is not None and number == key.row)
                 or (key.digits is not None and digits is not None
                     and digits.endswith(key.digits))]
        if len(found) != 1:
            raise ScanNameError(_lo(
                "Skanningen ”%(name)s” hör inte till någon enda rad i filen: namnge den med "
                "radnumret i Excel eller med personnumret.", name=scan.filename))
        if found[0] in by_row:
            raise ScanNameError(_lo("Rad %(row)d har två skanningar: %(first)s och %(second)s.",
                                    row=found[0], first=by_row[found[0]].filename,
                                    second=scan.filename))
        by_row[found[0]] = scan
    return by_row


def problem(scan: Scan) -> str | None:
    """Why this scan can not be kept as proof, or None."""
    try:
        check_scan(scan.data)
    except ScanRefused as refused:
        return message(refused)
    return None
