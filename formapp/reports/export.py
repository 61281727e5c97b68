"""Closed participations of a förbund as an .xlsx (seeds/000): one row per participation.

Streamed: the registrations are read in batches (``yield_per``: a server-side cursor on
PostgreSQL) as plain columns, never ORM objects, and each row goes straight into the sheet's
XML (``reports.xlsx``), so 30,000 rows need neither 30,000 objects nor a worksheet in memory.
Real dates (date cells with a date format), a frozen header and column widths.

Personnummer and name only with ``identity=True``: the caller checks the right
(``records.access.can_export_identity``) and writes the audit entry. Without it they are not
even read (they are encrypted: decrypting costs time), nor are the support rows unless the
full sheet asks for them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import Select, select

from formapp.extensions import db
from formapp.records.models import Insats, Person, Registration, RegistrationSupport
from formapp.reports.filters import ended_in
from formapp.reports.sheet import columns, row_values
from formapp.reports.xlsx import XlsxWriter

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
COLUMNS = ("id", "kon", "kommun", "stadsdel", "age_at_start", "start_date", "end_date",
           "utbildning", "forsorjning_tid", "end_reason",
           *(f"{name}{suffix}" for suffix in ("_fore", "_efter") for name in (
               "aktivt_arbetssokande", "arbetar", "arbete_procent", "arbete_typ", "studerar",
               "studie_procent")))


def _query(request: ExportRequest) -> Select:
    query = (select(*(getattr(Registration, name) for name in COLUMNS),
                    Insats.name.label("insats_name"))
             .join(Insats, Registration.insats_id == Insats.id)
             .where(Registration.forbund_id == request.forbund_id, ended_in(request.year))
             .order_by(Insats.name, Registration.end_date, Registration.id))
    if request.identity:
        query = query.add_columns(Registration.name, Person.personnummer).join(
            Person, Registration.person_id == Person.id)
    if request.insats_id is not None:
        query = query.where(Registration.insats_id == request.insats_id)
    return query


def _supports(ids: list[int]) -> dict[int, dict[str, list[str]]]:
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for rid, measurement, kind in db.session.connection().execute(
            select(RegistrationSupport.registration_id, RegistrationSupport.measurement,
                   RegistrationSupport.kind).where(RegistrationSupport.registration_id.in_(ids))):
        found[rid][measurement].append(kind)
    return found


def write_export(request: ExportRequest, out: BinaryIO, generated: datetime) -> int:
    """Write the sheet to ``out``; how many participations it holds."""
    spec = columns(identity=request.identity, full=request.full)
    with XlsxWriter(out) as book:
        count = book.sheet(SHEET, _rows(request), header=[column.header for column in spec],
                           widths=[column.width for column in spec])
        book.sheet("Om filen", [["Skapad", generated.strftime("%Y-%m-%d %H:%M")],
                                ["Antal deltaganden", count],
                                ["Format", "formapp deltagarexport 1"]])
    return count


def _rows(request: ExportRequest) -> Iterator[list[object]]:
    # Core, not the ORM session's execute: plain rows, without ORM loading per row. Options
    # for this statement only (Connection.execution_options would change the session's
    # connection for good).
    result = db.session.connection().execute(
        _query(request), execution_options={"yield_per": BATCH})
    keys = list(result.keys())
    for batch in result.partitions():
        supports = _supports([row.id for row in batch]) if request.full else {}
        for row in batch:
            values = dict(zip(keys, row, strict=True))  # plain dict: the fastest lookups
            yield row_values(values, supports.get(values["id"], {}),
                             identity=request.identity, full=request.full)
