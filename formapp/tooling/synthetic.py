"""Synthetic participations written straight into the tables, many at a time.

Tooling (``formapp.tooling``; the running app never imports it) for the bench (300,000
participations) and the report tests: the reports read only the registration columns and
support rows, and making 300,000 sealed PDFs through the forms would take hours. Every row
points at one sealed placeholder document that says so (:func:`placeholder_document`), so
``formapp verify --all`` still finds every file it expects. Never used for real participants;
the registration rows are still ``cases.registration``'s own (``bulk_row`` over
``start_columns`` and ``end_columns``), as the Excel import writes them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import InstrumentedAttribute

from formapp.cases.archiving import archive_pdf
from formapp.cases.registration import bulk_row, end_columns, start_columns
from formapp.definitions.model import NO, YES
from formapp.documents.receipt_pdf import ReceiptDocument, render_receipt_pdf
from formapp.domain.personnummer import Personnummer, luhn_digit
from formapp.extensions import Model, db, table_of
from formapp.protection.columns import bind_row
from formapp.protection.lookup import personnummer_hash
from formapp.records.models import Consent, Person, Registration, RegistrationSupport
from formapp.tooling._sqlalchemy_internals import copy_values


@dataclass(frozen=True)
class Work:
    """Working (``typ`` a code of arbete_typ) and/or studying, in % of full time."""

    arbete: int | None = None
    typ: str | None = None
    studier: int | None = None


@dataclass(frozen=True)
class Participation:
    insats_id: int
    kon: str
    birth_date: date
    start_date: date
    kommun: str = "0680"
    utbildning: str = "grundskola"
    forsorjning_tid: str = "upp_till_1"
    supports_fore: tuple[str, ...] = ("forsorjningsstod",)
    aktivt_fore: bool = False
    work_fore: Work = Work()
    end_date: date | None = None
    end_reason: str | None = None
    supports_efter: tuple[str, ...] = ()
    aktivt_efter: bool = False
    work_efter: Work = Work()
    name: str = "Test Testsson"
    personnummer: str | None = None  # made from birth date and kön when None


def make_personnummer(birth: date, kon: str, serial: int) -> str:
    """A valid personnummer for ``birth`` and ``kön``; serials 0–494 give distinct ones (the
    födelsenummer runs 010–999: 000 is never issued)."""
    third = (serial % 5) * 2 + (1 if kon == "man" else 0)  # odd second-to-last digit: man
    stem = f"{birth:%y%m%d}{serial // 5 % 99 + 1:02d}{third}"
    return f"{birth.year // 100}{stem}{luhn_digit(stem)}"


def placeholder_document(forbund_id: int, forbund_name: str) -> str:
    """One sealed, archived receipt that the synthetic rows point at; its SHA-256."""
    document_id = str(uuid.uuid4())
    receipt = ReceiptDocument(
        document_id=document_id, title="Syntetiska registreringar (demo och test)",
        paragraphs=("Registreringarna som pekar på detta dokument är påhittade och skapade "
                    "direkt i databasen för demonstration, test eller prestandamätning. De "
                    "har ingen blankett och inget samtycke.",),
        facts=(("Förbund", forbund_name),), forbund=forbund_name,
        record={"kind": "synthetic", "document_id": document_id})
    return archive_pdf(render_receipt_pdf(receipt), kind="synthetic", forbund_id=forbund_id,
                       reason="Syntetiska registreringar")


def block_answers(supports: tuple[str, ...], aktivt: bool, work: Work, suffix: str
           ) -> dict[str, object]:
    """The "försörjning och sysselsättning" answers as the form's check leaves them."""
    answers: dict[str, object] = {
        f"forsorjning{suffix}": list(supports),
        f"aktivt_arbetssokande{suffix}": YES if aktivt else NO,
        f"arbetar{suffix}": YES if work.arbete else NO,
        f"studerar{suffix}": YES if work.studier else NO}
    if work.arbete:
        answers[f"arbete_procent{suffix}"] = work.arbete
        answers[f"arbete_typ{suffix}"] = work.typ
    if work.studier:
        answers[f"studie_procent{suffix}"] = work.studier
    return answers


def insert_participations(forbund_id: int, rows: Iterable[Participation], document: str, *,
                          batch: int = 5000, now: datetime | None = None,
                          copy: bool = False) -> int:
    """Insert ``rows`` (a person, a used consent, a registration and its support rows each)
    in batches of bulk INSERTs (``copy``: PostgreSQL's COPY); flushes, the caller commits.
    How many were inserted."""
    now = now or datetime.now(UTC)
    total = 0
    serials: dict[tuple[date, str], int] = {}  # the next serial per birth date and kön
    iterator: Iterator[Participation] = iter(rows)
    while chunk := list(islice(iterator, batch)):
        _insert_chunk(forbund_id, chunk, document, now, serials, copy)
        total += len(chunk)
    return total


def _next_personnummer(p: Participation, serials: dict[tuple[date, str], int]) -> str:
    """Distinct within one call: up to 495 people per birth date and kön."""
    key = (p.birth_date, p.kon)
    serial = serials.get(key, 0)
    if serial >= 495:
        raise ValueError(f"more than 495 synthetic people born {p.birth_date} ({p.kon})")
    serials[key] = serial + 1
    return make_personnummer(p.birth_date, p.kon, serial)


Rows = dict[type[Model], list[dict[str, Any]]]


def _chunk_rows(forbund_id: int, chunk: list[Participation], document: str, now: datetime,
                serials: dict[tuple[date, str], int]) -> tuple[Rows, list[str]]:
    """The chunk's rows per table (people, consents, registrations, support rows), and the
    ids of consents to mark withdrawn once their registrations are in."""
    # Ids are given here, not returned by the database: RETURNING over executemany costs more
    # than the inserts themselves at this scale. Synthetic data only: nobody inserts meanwhile.
    person_id = _next_id(Person.id)
    registration_id = _next_id(Registration.id)
    people, consents, registrations, supports = [], [], [], []
    withdrawn_ids: list[str] = []
    for offset, p in enumerate(chunk):
        pid, rid = person_id + offset, registration_id + offset
        personnummer = p.personnummer or _next_personnummer(p, serials)
        people.append({"id": pid, "forbund_id": forbund_id, "kon": p.kon,
                       "birth_date": p.birth_date, "name": p.name, "created_at": now,
                       "personnummer": personnummer,
                       # a bulk INSERT bypasses Person's validator, which sets it otherwise
                       "personnummer_hmac": personnummer_hash(personnummer)})
        consent_id = str(uuid.uuid4())
        withdrawn = p.end_reason == "6"
        if withdrawn:
            withdrawn_ids.append(consent_id)
        consents.append({
            "id": consent_id, "forbund_id": forbund_id, "insats_id": p.insats_id,
            "person_id": pid, "officer_id": None, "locale": "sv",
            "binding_version": "synthetic", "binding_sha256": document, "read_version": None,
            "kind": "synthetic",
            "read_sha256": None, "name": p.name, "place": "–", "signed_on": p.start_date,
            "signed_at": now, "pdf_sha256": document,
            "status": "used", "used_at": now,
            "withdrawn_at": now if withdrawn else None, "withdrawn_by_id": None,
            "withdrawal_reason": None, "withdrawal_pdf_sha256": None})
        registration, kinds = _registration(forbund_id, p, pid, personnummer, consent_id,
                                            document, now)
        registrations.append(registration | {"id": rid})
        supports += [{"registration_id": rid, "measurement": measurement, "kind": kind}
                     for measurement, kind in kinds]
    return {Person: people, Consent: consents, Registration: registrations,
            RegistrationSupport: supports}, withdrawn_ids


def _insert_chunk(forbund_id: int, chunk: list[Participation], document: str, now: datetime,
                  serials: dict[tuple[date, str], int], copy: bool = False) -> None:
    tables, withdrawn_ids = _chunk_rows(forbund_id, chunk, document, now, serials)
    for model, rows in tables.items():
        if rows:
            # Each encrypted value bound to its row's id (given here), for INSERT and COPY alike.
            bound = [bind_row(table_of(model), row) for row in rows]
            (_copy_rows if copy else _insert_rows)(model, bound)
    # Withdrawn after the registration is written, as in life: the database's consent gate
    # (records.consent_gate) refuses a registration on a consent already withdrawn.
    if withdrawn_ids:
        db.session.execute(update(Consent).where(Consent.id.in_(withdrawn_ids))
                           .values(status="withdrawn"))
    _sync_sequence(Person)
    _sync_sequence(Registration)


def _insert_rows(model: type[Model], rows: list[dict[str, Any]]) -> None:
    db.session.execute(table_of(model).insert(), rows)


def _copy_rows(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY: several times faster than an executemany INSERT. Values go through
    the columns' own bind processing (the encrypted personnummer and name, JSON) as an INSERT
    would send them (``_sqlalchemy_internals``)."""
    table = table_of(model)
    connection = db.session.connection()
    names = list(rows[0])
    write = copy_values(table, names, connection.dialect)
    raw = connection.connection.driver_connection
    assert raw is not None
    columns = ", ".join(f'"{name}"' for name in names)
    with raw.cursor() as cursor, cursor.copy(
            f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(write(row))


@contextmanager
def bulk_load(models: Iterable[type[Model]]) -> Iterator[None]:
    """PostgreSQL: the secondary indexes of ``models``' tables dropped for a bulk load and
    built again after (one sort each instead of millions of insertions); unique and primary
    keys stay, so the load is still checked. Nothing on SQLite."""
    if db.session.get_bind().dialect.name != "postgresql":
        yield
        return
    saved: list[tuple[str, str]] = []
    for model in models:
        saved += [(str(name), str(definition)) for name, definition in db.session.execute(text(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = CAST(:table AS regclass) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"),
            {"table": table_of(model).name})]
    for name, _ in saved:
        db.session.execute(text(f"DROP INDEX {name}"))
    yield
    for _, definition in saved:
        db.session.execute(text(definition))


def _next_id(column: InstrumentedAttribute[int]) -> int:
    return (db.session.scalar(select(func.max(column))) or 0) + 1


def _sync_sequence(model: type[Model]) -> None:
    """PostgreSQL: move the id sequence past the ids given here (SQLite needs nothing)."""
    if db.session.get_bind().dialect.name == "postgresql":
        table = model.__tablename__
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT max(id) FROM {table}))"))


def _registration(forbund_id: int, p: Participation, person_id: int, personnummer: str,
                  consent_id: str, document: str, now: datetime
                  ) -> tuple[dict[str, object], tuple[tuple[str, str], ...]]:
    """The participation's registration: its answers as FK 9448 and 9449 would have checked
    them, mapped to columns by ``cases.registration`` as a real registration is; and its
    support rows (measurement, kind)."""
    start = {"namn": p.name, "mattillfalle": "Inregistrering", "startdatum": p.start_date,
             "kommun": p.kommun, "utbildning": p.utbildning,
             "forsorjning_tid": p.forsorjning_tid,
             **block_answers(p.supports_fore, p.aktivt_fore, p.work_fore, "_fore")}
    end: dict[str, object] | None = None
    measured = p.end_date is not None and p.end_reason not in ("6", "7")
    if p.end_date is not None:
        end = {"namn": p.name, "mattillfalle": "Utregistrering",
               "avslutningsdatum": p.end_date, "avslutningsanledning": p.end_reason}
        if measured:
            end.update(block_answers(p.supports_efter, p.aktivt_efter, p.work_efter, "_efter"))
    columns = (start_columns(start, Personnummer.from_digits(personnummer))
               | end_columns(end, measured=measured))
    return bulk_row(columns, forbund_id=forbund_id, insats_id=p.insats_id,
                    person_id=person_id, consent_id=consent_id, kon=p.kon, officer_id=None,
                    document=document, now=now), columns.supports
