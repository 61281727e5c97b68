"""The Excel import's one write path (issue 16's import case): an :class:`ImportPlan`
checked by ``imports.reading.read_sheet`` stored whole, in the caller's transaction.

:func:`import_rows` checks what the plan can not (a reason, the insats, errors allowed or not,
who attests the paper consents), then, under a lock on the insats, renders and seals one
receipt, stages it in the archive (``cases.archiving``), writes the rows and audits the import.
It flushes only; the caller (the web page's import, ``formapp import-excel``, the bench)
commits once.

No consent is ever made up (issue 17). A row with identity is stored with its personnummer
and name only on evidence of consent: an active consent already signed in formapp for that
person and insats (used, as FK 9448 uses it), or a scanned signed paper FK 9443 given with the
row (``imports.scans``), sealed and archived as "samtycke på papper, intygat av <officer>"
(``cases.paper_consent``). Every other row, and every row with skyddad identitet or whose
consent was withdrawn (end reason 6), is counted as an anonymous participation (year and kön,
as the anonymous registration counts them) and nothing personal is stored. One sealed receipt
per import says how many rows went which way; the imported registrations point at it, and
``ImportBatch`` keeps the file's SHA-256 so the same file is never counted twice.

Speed (issue 21: 10,000 rows in ≤ 5 s): the registrations and their support rows go in as
bulk INSERTs, their columns mapped by ``cases.registration`` as one registration's are.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, text, update

from formapp.cases.archiving import archive_pdf
from formapp.cases.counts import locked_anonymous_count
from formapp.cases.paper_consent import attest_paper_consent
from formapp.cases.registration import bulk_row, end_columns, start_columns
from formapp.definitions.printable import document_problem_o, unprintable_o
from formapp.documents.errors import DocumentError
from formapp.documents.receipt import ReceiptDocument
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.i18n import _lo
from formapp.imports.reading import (
    ImportPlan,
    Progress,
    ValidRow,
    known_participation,
    quiet,
    stored_periods,
)
from formapp.imports.scans import Scan
from formapp.protection.columns import bind_row, for_row, is_encrypted
from formapp.records.audit import log_event
from formapp.records.change_log import id_ranges
from formapp.records.errors import RuleViolation
from formapp.records.models import (
    Consent,
    ConsentStatus,
    ImportBatch,
    Insats,
    Person,
    Registration,
    RegistrationSupport,
    User,
)


@dataclass(frozen=True)
class ImportResult:
    imported: int  # every row stored, whichever way
    skipped: int  # rows with errors
    receipt_sha256: str | None
    already_present: int = 0  # rows skipped: the participation is in formapp already
    with_consent: int = 0  # with personal data, on a consent already signed in formapp
    with_paper: int = 0  # with personal data, on a scanned paper FK 9443
    anonymous: int = 0  # counted only (year and kön): no personnummer, no name


@dataclass
class _Routes:
    """Where each row to store goes (see the module doc)."""

    with_consent: list[tuple[ValidRow, str]] = field(default_factory=list)  # consent id
    with_paper: list[tuple[ValidRow, Scan]] = field(default_factory=list)
    anonymous: list[ValidRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.with_consent) + len(self.with_paper) + len(self.anonymous)


def import_rows(plan: ImportPlan, insats: Insats, *, by: User | None, reason: str,
                valid_only: bool, now: datetime | None = None,
                progress: Progress = quiet) -> ImportResult:
    """Store the plan's valid rows (flush only; the caller commits). Refused when some row
    has an error and ``valid_only`` is false: then nothing is stored."""
    now = now or datetime.now(UTC)
    reason = " ".join(reason.split())
    if not reason:
        raise RuleViolation("reason", _lo("Ange varför deltagarna importeras."))
    if (unprintable := unprintable_o(reason)) is not None:  # printed on the sealed receipt
        raise RuleViolation("reason", unprintable)
    if insats.is_volyminsats:
        raise RuleViolation("", _lo("I en volyminsats registreras bara antal deltagare."))
    if plan.errors and not valid_only:
        raise RuleViolation("", _lo(
            "%(count)d rader har fel: inget importeras. Rätta filen, eller välj att bara "
            "importera de giltiga raderna.", count=plan.invalid_rows))
    if plan.scans and by is None:
        raise RuleViolation("", _lo("Ett samtycke på papper intygas av en handläggare: ange "
                                    "vem som importerar."))
    _lock_insats(insats)
    # Read again under the lock: an import of the same file committed meanwhile counts.
    stored = stored_periods(insats)
    if _imported_before(insats, plan.file_sha256):
        rows: list[ValidRow] = []  # the anonymous rows of a file imported before, too
    else:
        rows = [row for row in plan.valid
                if row.pnr is None or not known_participation(row, stored, {})]
    present = plan.already_present + len(plan.valid) - len(rows)
    if not rows:
        # Nothing written, but the file's rows were read and compared: say so in the trail.
        log_event(actor=by, action="import_excel", subject=f"insats:{insats.id}", why=reason,
                  forbund_id=insats.forbund_id,
                  details={"file_sha256": plan.file_sha256, "imported": 0,
                           "skipped_rows": plan.invalid_rows, "already_present": present,
                           "receipt_sha256": None, "registration_ids": [], "fields": []})
        return ImportResult(0, plan.invalid_rows, None, present)
    progress("storing", 0, len(rows))
    people = _people(insats.forbund_id, plan)
    routes = _route(rows, plan, insats, people)
    receipt = _receipt(plan, insats, by, reason, now, routes, present)
    on_consent = list(routes.with_consent)
    paper_ids = []
    made: dict[str, Person] = {}
    for row, scan in routes.with_paper:
        assert by is not None and row.pnr is not None
        person = _person(row, insats, people, made, now)
        consent = attest_paper_consent(
            insats, person, name=str(row.start["namn"]), scan=scan.data, officer=by, now=now,
            source={"import_file_sha256": plan.file_sha256, "row": row.row,
                    "scan_filename": scan.filename})
        # Used at once: one person may bring two scans (two periods), and only one of their
        # consents for an insats may be active at a time.
        consent.status, consent.used_at = ConsentStatus.USED.value, now
        paper_ids.append(consent.id)
        on_consent.append((row, consent.id))
    db.session.flush()  # the new people and paper consents have their ids
    people.update({digits: _PersonRef(p.id, p.kon) for digits, p in made.items()})
    inserted = _insert_registrations(on_consent, insats, people, receipt, by, now,
                                   lambda done: progress("storing", done, routes.total))
    _count_anonymous(insats, routes.anonymous, by, now)
    db.session.add(ImportBatch(
        forbund_id=insats.forbund_id, insats_id=insats.id, file_sha256=plan.file_sha256,
        receipt_sha256=receipt, with_consent=len(routes.with_consent),
        with_paper=len(routes.with_paper), anonymous=len(routes.anonymous), imported_at=now,
        imported_by_id=by.id if by else None))
    db.session.flush()
    log_event(actor=by, action="import_excel", subject=f"insats:{insats.id}", why=reason,
              forbund_id=insats.forbund_id,
              details={"file_sha256": plan.file_sha256, "imported": routes.total,
                       "with_consent": len(routes.with_consent),
                       "with_paper": len(routes.with_paper),
                       "anonymous": len(routes.anonymous),
                       "skipped_rows": plan.invalid_rows, "already_present": present,
                       "receipt_sha256": receipt,
                       "registration_ids": id_ranges(inserted.ids),
                       "paper_consent_ids": paper_ids,
                       "used_consent_ids": [c for _, c in routes.with_consent],
                       "fields": sorted(inserted.fields)})
    return ImportResult(routes.total, plan.invalid_rows, receipt, present,
                        with_consent=len(routes.with_consent),
                        with_paper=len(routes.with_paper), anonymous=len(routes.anonymous))


def _imported_before(insats: Insats, file_sha256: str) -> bool:
    return db.session.scalar(select(ImportBatch.id).where(
        ImportBatch.insats_id == insats.id, ImportBatch.file_sha256 == file_sha256)) is not None


def _route(rows: list[ValidRow], plan: ImportPlan, insats: Insats,
           people: Mapping[str, _PersonRef]) -> _Routes:
    """Personal data only on evidence of consent; everything else is counted anonymously."""
    active = _active_consents(insats, people)
    routes = _Routes()
    for row in rows:
        pnr = row.pnr
        if row.skyddad or row.withdrawn or pnr is None:
            routes.anonymous.append(row)
        elif (consent := active.pop(pnr.digits, None)) is not None:
            routes.with_consent.append((row, consent))  # one consent, one registration
        elif (scan := plan.scans.get(row.row)) is not None:
            routes.with_paper.append((row, scan))
        else:
            routes.anonymous.append(row)
    return routes


def _active_consents(insats: Insats, people: Mapping[str, _PersonRef]) -> dict[str, str]:
    """The active (not yet used) consent's id for the insats of each person, by
    personnummer."""
    by_id = {person.id: digits for digits, person in people.items()}
    found: dict[str, str] = {}
    ids = sorted(by_id)
    for offset in range(0, len(ids), 1000):
        for consent_id, person_id in db.session.execute(
                select(Consent.id, Consent.person_id).where(
                    Consent.insats_id == insats.id,
                    Consent.status == ConsentStatus.ACTIVE.value,
                    Consent.person_id.in_(ids[offset:offset + 1000]))):
            found[by_id[person_id]] = consent_id
    return found


def _count_anonymous(insats: Insats, rows: list[ValidRow], by: User | None,
                     now: datetime) -> None:
    """Added to the anonymous counts per inregistreringsår and kön, as the anonymous
    registration counts them (``cases.counts``)."""
    added: dict[tuple[int, str], int] = {}
    for row in rows:
        start = row.start["startdatum"]
        assert isinstance(start, date)
        added[(start.year, row.kon)] = added.get((start.year, row.kon), 0) + 1
    for (year, kon), number in sorted(added.items()):
        count = locked_anonymous_count(insats, year=year, kon=kon)
        count.count += number
        count.updated_at, count.updated_by_id = now, by.id if by else None


def _lock_insats(insats: Insats) -> None:
    """One import into an insats at a time (PostgreSQL; SQLite writes one at a time)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(9448, :insats)"),
                           {"insats": insats.id})


@dataclass(frozen=True)
class _PersonRef:
    """What a registration takes from its person: the id, and kön (the registration's own)."""

    id: int
    kon: str


def _people(forbund_id: int, plan: ImportPlan) -> dict[str, _PersonRef]:
    """The people of the valid rows already in the förbund, by personnummer. Found by keyed
    hash (the personnummer is encrypted) under every configured lookup key: nothing is
    decrypted."""
    by_hash = plan.lookup_hashes()
    wanted = sorted(by_hash)
    found: dict[str, _PersonRef] = {}
    for offset in range(0, len(wanted), 1000):
        for person_id, digest, kon in db.session.execute(
                select(Person.id, Person.personnummer_hmac, Person.kon).where(
                    Person.forbund_id == forbund_id,
                    Person.personnummer_hmac.in_(wanted[offset:offset + 1000]))):
            found[by_hash[digest]] = _PersonRef(person_id, kon)
    return found


def _person(row: ValidRow, insats: Insats, people: Mapping[str, _PersonRef],
            made: dict[str, Person], now: datetime) -> Person:
    """The row's person (a paper consent is given by one): found, or made now."""
    pnr = row.pnr
    assert pnr is not None
    if (ref := people.get(pnr.digits)) is not None:
        person = db.session.get(Person, ref.id)
        assert person is not None
        return person
    if (person := made.get(pnr.digits)) is None:
        person = Person(forbund_id=insats.forbund_id, personnummer=pnr.digits, kon=pnr.kon,
                        birth_date=pnr.birth_date, name=str(row.start["namn"]), created_at=now)
        made[pnr.digits] = person
        db.session.add(person)
    return person


@dataclass(frozen=True)
class _Stored:
    ids: list[int]  # the registrations inserted, in the rows' order
    fields: frozenset[str]  # the answers' names they hold (for the audit entry)


def _registration_row(row: ValidRow, insats: Insats, person: _PersonRef, consent_id: str,
                      receipt: str, by: User | None, now: datetime
                      ) -> tuple[dict[str, object], list[tuple[str, str]]]:
    """The row's registration on its consent as the table's columns, and its support rows
    (measurement, kind): the answers mapped by ``cases.registration``, as FK 9448 and 9449
    store them, the import's receipt standing for both forms."""
    pnr = row.pnr
    assert pnr is not None
    end = row.end
    columns = (start_columns(row.start, pnr)
               | end_columns(end, measured=end is not None and row.end_asked_after))
    record = bulk_row(columns, forbund_id=insats.forbund_id, insats_id=insats.id,
                      person_id=person.id, consent_id=consent_id, kon=person.kon,
                      officer_id=by.id if by else None, document=receipt, now=now)
    return record, list(columns.supports)


def _insert_registrations(pairs: list[tuple[ValidRow, str]], insats: Insats,
                          people: Mapping[str, _PersonRef], receipt: str, by: User | None,
                          now: datetime, stored: Callable[[int], None]) -> _Stored:
    """Every row's registration on its consent, which is used from now on: bulk INSERTs (an
    ORM object per row was most of an import's storing time), still one transaction."""
    ids: list[int] = []
    fields: set[str] = set()
    for offset in range(0, len(pairs), 1000):
        chunk = pairs[offset:offset + 1000]
        records, kinds = [], []
        for row, consent_id in chunk:
            assert row.pnr is not None
            record, row_kinds = _registration_row(row, insats, people[row.pnr.digits],
                                                  consent_id, receipt, by, now)
            records.append(record)
            kinds.append(row_kinds)
            fields.update(record["answers"])  # type: ignore[arg-type]
            fields.update(record["end_answers"] or ())  # type: ignore[arg-type]
        # Matched back by document id: asking the database to keep the rows' order makes
        # SQLite insert them one statement each.
        table = cast(Table, Registration.__table__)
        by_document: dict[str, int] = dict(db.session.execute(
            insert(table).returning(table.c.document_id, table.c.id),
            [bind_row(table, {**record, "id": None}) for record in records]).tuples().all())
        new_ids = [by_document[str(record["document_id"])] for record in records]
        _bind_to_ids(table, records, new_ids)
        supports = [{"registration_id": rid, "measurement": measurement, "kind": kind}
                    for rid, row_kinds in zip(new_ids, kinds, strict=True)
                    for measurement, kind in row_kinds]
        if supports:
            db.session.execute(insert(RegistrationSupport), supports)
        db.session.execute(
            update(Consent).where(Consent.id.in_([consent_id for _, consent_id in chunk]))
            .values(status=ConsentStatus.USED.value, used_at=now))
        ids += new_ids
        stored(len(ids))
    return _Stored(ids, frozenset(fields))


def _bind_to_ids(table: Table, records: list[dict[str, object]], ids: list[int]) -> None:
    """Write the encrypted values again, bound to the ids the INSERT gave (their associated
    data names the row, issue 17): one executemany, as the ORM does per row."""
    names = [column.name for column in table.columns if is_encrypted(column)]
    statement = (update(table).where(table.c.id == bindparam("b_id"))
                 .values({name: bindparam(f"b_{name}") for name in names}))
    db.session.execute(statement, [
        {"b_id": row_id, **{f"b_{name}": for_row(record[name], row_id) for name in names}}
        for row_id, record in zip(ids, records, strict=True)])


def _receipt(plan: ImportPlan, insats: Insats, by: User | None, reason: str,
             now: datetime, routes: _Routes, present: int) -> str:
    document_id = str(uuid.uuid4())
    who = by.full_name if by else "formapp import-excel"
    counts = {"with_consent": len(routes.with_consent), "with_paper": len(routes.with_paper),
              "anonymous": len(routes.anonymous)}
    record = {"kind": "import", "document_id": document_id, "file_sha256": plan.file_sha256,
              "insats": {"id": insats.id, "name": insats.name}, "rows": plan.rows,
              "imported": routes.total, **counts, "skipped_rows": plan.invalid_rows,
              "already_present": present, "imported_by": who, "reason": reason,
              "paper_scans_sha256": sorted(import_scans_sha256(routes)),
              "imported_at": now.isoformat()}
    receipt = ReceiptDocument(
        document_id=document_id, title="Import av deltagare från Excel",
        paragraphs=(
            f"{routes.total} deltaganden i insatsen {insats.name} har importerats från en "
            "Excel-fil från förbundets tidigare uppföljning.",
            "Personuppgifter har bara sparats för rader med bevis om samtycke: ett samtycke "
            "som redan fanns i formapp för personen och insatsen, eller en inskannad, "
            "underskriven FK 9443 på papper som har förseglats och arkiverats för sig. Övriga "
            "rader, och alla med skyddad identitet eller återkallat samtycke, har räknats som "
            "anonyma deltaganden (år och kön) utan personnummer eller namn.",
        ),
        facts=(("Insats", insats.name), ("Filens SHA-256", plan.file_sha256),
               ("Rader i filen", str(plan.rows)), ("Importerade", str(routes.total)),
               ("– med samtycke i formapp", str(counts["with_consent"])),
               ("– med samtycke på papper", str(counts["with_paper"])),
               ("– anonyma (utan personuppgifter)", str(counts["anonymous"])),
               ("Rader med fel (inte importerade)", str(plan.invalid_rows)),
               ("Fanns redan (hoppades över)", str(present)),
               ("Importerat av", who), ("Varför", reason),
               ("Tidpunkt", now.strftime("%Y-%m-%d %H:%M UTC"))),
        forbund=insats.forbund.name, record=record, created=now)
    try:
        return archive_pdf(evidence().render.receipt_pdf(receipt), kind="import",
                           forbund_id=insats.forbund_id, reason="Import av deltagare")
    except DocumentError as exc:
        raise RuleViolation("", document_problem_o(exc)) from exc


def import_scans_sha256(routes: _Routes) -> list[str]:
    return [hashlib.sha256(scan.data).hexdigest() for _, scan in routes.with_paper]
