"""Closed participations of a förbund as an .xlsx (seeds/000): one row per participation.

Streamed: the registrations are read in batches (``yield_per``) with their support rows, and
openpyxl's write-only workbook writes each row on to a temporary file, so 30,000 rows need
neither 30,000 ORM objects nor a whole worksheet in memory at once. Real dates (date cells
with a date format), a frozen header and column widths.

Personnummer and name only with ``identity=True``: the caller checks the right
(``records.access.can_export_identity``) and writes the audit entry.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from openpyxl import Workbook
from sqlalchemy import Select, select

from formapp.extensions import db
from formapp.records.models import Insats, Person, Registration, RegistrationSupport
from formapp.reports.filters import ended_in
from formapp.reports.sheet import columns, row_values
from formapp.reports.workbook import header_row, set_widths

BATCH = 2000
SHEET = "Avslutade deltagare"


@dataclass(frozen=True)
class ExportRequest:
    forbund_id: int
    year: int | None = None  # ended in this year
    insats_id: int | None = None
    identity: bool = False
    full: bool = False


# Columns, not entities: no ORM objects, and the JSON answer columns are never read.
COLUMNS = ("id", "name", "kommun", "stadsdel", "age_at_start", "start_date", "end_date",
           "utbildning", "forsorjning_tid", "end_reason",
           *(f"{name}{suffix}" for suffix in ("_fore", "_efter") for name in (
               "aktivt_arbetssokande", "arbetar", "arbete_procent", "arbete_typ", "studerar",
               "studie_procent")))


def _query(request: ExportRequest) -> Select:
    query = (select(*(getattr(Registration, name) for name in COLUMNS), Person.personnummer,
                    Person.kon, Insats.name.label("insats_name"))
             .join(Person, Registration.person_id == Person.id)
             .join(Insats, Registration.insats_id == Insats.id)
             .where(Registration.forbund_id == request.forbund_id, ended_in(request.year))
             .order_by(Insats.name, Registration.end_date, Registration.id))
    if request.insats_id is not None:
        query = query.where(Registration.insats_id == request.insats_id)
    return query


def _supports(ids: list[int]) -> dict[int, dict[str, list[str]]]:
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for rid, measurement, kind in db.session.execute(
            select(RegistrationSupport.registration_id, RegistrationSupport.measurement,
                   RegistrationSupport.kind).where(RegistrationSupport.registration_id.in_(ids))):
        found[rid][measurement].append(kind)
    return found


def write_export(request: ExportRequest, out: BinaryIO, generated: datetime) -> int:
    """Write the sheet to ``out``; how many participations it holds."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    spec = columns(identity=request.identity, full=request.full)
    sheet.freeze_panes = "A2"
    set_widths(sheet, [column.width for column in spec])
    header_row(sheet, [column.header for column in spec])
    count = 0
    result = db.session.execute(_query(request).execution_options(yield_per=BATCH))
    for batch in result.partitions():
        supports = _supports([row.id for row in batch])
        for row in batch:  # a row has the registration's columns by name
            values = row_values(row, row.personnummer, row.kon, row.insats_name,
                                supports.get(row.id, {}),
                                identity=request.identity, full=request.full)
            # openpyxl gives a date value a date format by itself ("yyyy-mm-dd").
            sheet.append(values)
            count += 1
    about = book.create_sheet("Om filen")
    about.append(["Skapad", generated.strftime("%Y-%m-%d %H:%M")])
    about.append(["Antal deltaganden", count])
    about.append(["Format", "formapp deltagarexport 1"])
    book.save(out)
    return count
