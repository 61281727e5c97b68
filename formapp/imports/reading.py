"""Reading a participant sheet back in (a förbund moving its records into formapp): the
check half of the import; nothing here writes.

:func:`read_sheet` refuses a file that is not a plain .xlsx of the export's format
(:class:`SheetRefused`: not xlsx, macros, formulas, too large, too many rows, missing or
unknown columns) and checks every row with the forms' own rules (``definitions.check`` for
FK 9448 and, when the row has an end, FK 9449: personnummer, kommun, option lists, dates,
contradictions) plus what only the store knows (one active registration per person and
insats, the same insats on every row, kön as the personnummer says), and matches the scanned
paper consents to their rows (``imports.scans``). Errors come by row and column. The
:class:`ImportPlan` it returns is what ``cases.importing.import_rows`` stores.

No consent is ever made up (issue 17). A row with identity is stored with its personnummer
and name only on evidence of consent: an active consent already signed in formapp for that
person and insats (used, as FK 9448 uses it), or a scanned signed paper FK 9443 given with the
row (``import_scans``), sealed and archived as "samtycke på papper, intygat av <officer>"
(``cases.paper_consent``). Every other row, and every row with skyddad identitet or whose
consent was withdrawn (end reason 6), is counted as an anonymous participation (year and kön,
as the anonymous registration counts them) and nothing personal is stored. One sealed receipt
per import says how many rows went which way; the imported registrations point at it, and
``ImportBatch`` keeps the file's SHA-256 so the same file is never counted twice.

Speed (issue 21: 10,000 rows in ≤ 5 s): the sheet is read by ``xlsx_read`` (lxml, one pass)
and people and consents are found by keyed hash without decrypting. ``progress`` callbacks
say how far an import has come (``web.import_progress``).
"""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import select

from formapp.config import forms_dir_setting
from formapp.definitions import FormDefinition, check, load_form
from formapp.definitions.model import NO, YES
from formapp.domain.personnummer import Personnummer
from formapp.extensions import db
from formapp.i18n import _lo
from formapp.imports import messages as cell_messages
from formapp.imports import scans as paper_scans
from formapp.imports.scans import Scan, ScanNameError
from formapp.imports.sheet_limits import LimitExceeded, check_declared_sizes, check_sheet
from formapp.imports.xlsx_read import Formula, NotASheet, first_sheet, sheet_rows
from formapp.protection.lookup import personnummer_hashes
from formapp.records.models import (
    Consent,
    ConsentStatus,
    Insats,
    Person,
    Registration,
)
from formapp.records.periods import overlap_message, overlaps
from formapp.reports.sheet import IMPORT_COLUMNS, KON, SUPPORT_SEPARATOR, options

# Reading and checking the rows within a request (the CLI; a worker is stopped at 30 s); the
# web page's import runs beside its request (``web.import_progress``) and allows more.
MAX_SECONDS = 20
PROGRESS_EVERY = 250  # rows between two progress reports
REMOVES = "8"  # Felregistrering: such a registration must not exist
WITHDRAWN = "6"  # Medgivande återtaget: no personal data is written after a withdrawal
SKYDDAD = "Skyddad identitet"  # ja/nej; optional (a formapp export has no such person)


Progress = Callable[[str, int, int], None]  # step, done, total (see imports.jobs.STEPS)


def quiet(step: str, done: int, total: int) -> None:
    """No one to tell."""


class SheetRefused(ValueError):
    """The whole file is refused; ``message`` says why (nothing is imported)."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int  # the row number Excel shows (the header is row 1)
    column: str  # the column header, "" for the row as a whole
    message: str

    def described(self) -> str:
        """'Rad 12, kolumn ”…”: …': the message on a line of its own."""
        return cell_messages.at(self.row, self.column, self.message)


@dataclass(frozen=True)
class ValidRow:
    row: int
    start: Mapping[str, object]  # cleaned FK 9448 values
    end: Mapping[str, object] | None  # cleaned FK 9449 values, None while active
    end_asked_after: bool = False
    skyddad: bool = False  # skyddad identitet: always anonymous, personnummer may be blank
    kon: str = ""  # from the personnummer, or the Kön column without one

    @property
    def pnr(self) -> Personnummer | None:
        value = self.start.get("personnummer")
        return value if isinstance(value, Personnummer) else None

    @property
    def withdrawn(self) -> bool:
        return self.end is not None and str(self.end.get("avslutningsanledning")) == WITHDRAWN


@dataclass
class ImportPlan:
    file_sha256: str
    rows: int = 0
    valid: list[ValidRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Rows whose participation (person, insats, startdatum) is in formapp already, or
    # earlier in the file: skipped, never stored twice (a file imported again: all of them).
    already_present: int = 0
    # Scanned paper consents by row (``imports.scans``), checked; only rows they may prove.
    scans: dict[int, Scan] = field(default_factory=dict)
    # Rows whose person has an active consent in formapp for the insats (when read).
    with_consent: set[int] = field(default_factory=set)
    _hashes: dict[str, str] | None = field(default=None, repr=False)

    @property
    def invalid_rows(self) -> int:
        return len({error.row for error in self.errors})

    def lookup_hashes(self) -> dict[str, str]:
        """Keyed hash → personnummer of the valid rows with identity, under every configured
        lookup key (how a person is found: the personnummer is stored encrypted)."""
        if self._hashes is None:
            self._hashes = {h: row.pnr.digits for row in self.valid if row.pnr is not None
                            and not row.skyddad for h in personnummer_hashes(row.pnr.digits)}
        return self._hashes


HEADERS = {column.header: column for column in IMPORT_COLUMNS} | {SKYDDAD: None}
FIELD_HEADER = {column.field: column.header for column in IMPORT_COLUMNS if column.field}
REQUIRED = [c.header for c in IMPORT_COLUMNS if c.field] + ["Insats"]
IDENTITY_HEADERS = ("Personnummer", "Namn")


# --- the file --------------------------------------------------------------------------------

def _open(data: bytes, max_bytes: int, max_rows: int) -> tuple[zipfile.ZipFile, int]:
    """The workbook's zip, once the file has passed every limit (``sheet_limits``) unparsed,
    and how many rows its sheet has (the header and blank rows included)."""
    if len(data) > max_bytes:
        raise SheetRefused(_lo("Filen är för stor (högst %(mb)d MB).",
                               mb=max_bytes // (1024 * 1024)))
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SheetRefused(_lo("Filen är inte en Excel-fil (.xlsx)."))
    archive = None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise SheetRefused(_lo("Filen är inte en Excel-fil (.xlsx)."))
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise SheetRefused(_lo("Filen innehåller makron. Spara den som en vanlig "
                                   "Excel-arbetsbok (.xlsx) utan makron."))
        check_declared_sizes(archive, max_rows)
        path = first_sheet(archive)
        if path is None:
            raise SheetRefused(_lo("Filen är tom."))
        rows = check_sheet(archive, path, max_rows)
    except SheetRefused:
        if archive is not None:
            archive.close()
        raise
    except LimitExceeded as exc:
        archive.close()  # type: ignore[union-attr]
        raise SheetRefused(exc.message) from exc
    except (NotASheet, zipfile.BadZipFile, KeyError, ValueError, OSError, zlib.error) as exc:
        if archive is not None:
            archive.close()
        raise SheetRefused(_lo("Filen kunde inte läsas som Excel: %(problem)s",
                               problem=str(exc)[:200])) from exc
    return archive, rows


def check_file(data: bytes, *, max_bytes: int, max_rows: int) -> None:
    """The file-wide refusals alone (size, not an .xlsx, macros, the sheet's limits): cheap,
    so the web page says them at once, before the rows are read beside the request."""
    archive, _ = _open(data, max_bytes, max_rows)
    archive.close()


def _rows(archive: zipfile.ZipFile, max_rows: int, deadline: float, max_seconds: int
          ) -> Iterator[tuple[int, tuple[Any, ...]]]:
    # Every row the sheet stores, to its real end (a <dimension> smaller than the data is not
    # believed; its size was checked in _open).
    try:
        for count, (number, values) in enumerate(sheet_rows(archive), start=1):
            if number > max_rows + 1:
                raise SheetRefused(_lo("Filen har fler än %(max)d rader.", max=max_rows))
            if count % 256 == 0 and time.monotonic() > deadline:
                raise SheetRefused(_lo(
                    "Filen tog för lång tid att läsa (mer än %(seconds)d sekunder). Dela upp "
                    "den i mindre filer.", seconds=max_seconds))
            if any(isinstance(value, Formula) for value in values):
                raise SheetRefused(_lo(
                    "Filen innehåller formler (rad %(row)d). Spara arket med värden i stället "
                    "för formler och försök igen.", row=number))
            if number > 1 and all(v is None or str(v).strip() == "" for v in values):
                continue
            yield number, values
    except (NotASheet, zipfile.BadZipFile, KeyError, OSError, zlib.error) as exc:
        raise SheetRefused(_lo("Filen kunde inte läsas som Excel: %(problem)s",
                               problem=str(exc)[:200])) from exc


def _header(values: tuple[Any, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        name = str(value).strip() if value is not None else ""
        if not name:
            continue
        if name in found:
            raise SheetRefused(_lo("Kolumnen ”%(name)s” finns två gånger.", name=name))
        found[name] = index
    unknown = [name for name in found if name not in HEADERS]
    missing = [name for name in REQUIRED if name not in found]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(str(_lo("saknas: %(names)s", names=", ".join(missing))))
        if unknown:
            parts.append(str(_lo("okända: %(names)s", names=", ".join(unknown))))
        raise SheetRefused(_lo("Kolumnerna stämmer inte med formapps deltagarexport (med "
                               "personnummer och alla uppgifter): %(problems)s.",
                               problems="; ".join(parts)))
    return found


# --- one row ----------------------------------------------------------------------------------

def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _code(field_name: str, value: object) -> str | None:
    """A label of the form (or the code itself) to its code; unknown text is passed on, so the
    form's check names it."""
    text = _text(value)
    if text is None:
        return None
    code = _codes(field_name, forms_dir_setting()).get(text.lower())
    if code is not None:
        return code
    head = text.split(" ", 1)[0]
    return (head if field_name == "avslutningsanledning" and head in options(field_name).codes
            else text)


@cache
def _codes(field_name: str, forms: str | None) -> dict[str, str]:
    """Each option's code and label, lower-cased, to its code (the labels win a tie, as the
    first match did); keyed by the forms directory setting the options are read under."""
    found: dict[str, str] = {}
    for option in reversed(options(field_name).options):
        found[option.code.lower()] = option.code
        found[option.label.lower()] = option.code
    return found


def _raw(field_name: str, value: object) -> object:
    base = field_name.removesuffix("_fore").removesuffix("_efter")
    if base == "forsorjning":
        text = _text(value)
        if text is None:
            return []
        return [_code(field_name, part) for part in text.split(SUPPORT_SEPARATOR.strip())
                if part.strip()]
    if base in ("aktivt_arbetssokande", "arbetar", "studerar"):
        if isinstance(value, bool):
            return YES if value else NO
        text = _text(value)
        return {"ja": YES, "nej": NO}.get(text.lower(), text) if text else None
    if base in ("utbildning", "forsorjning_tid", "arbete_typ", "avslutningsanledning"):
        return _code(field_name, value)
    if field_name in ("startdatum", "avslutningsdatum"):
        if isinstance(value, datetime):
            return value.date()
        return value if isinstance(value, date) else _text(value)
    if field_name == "kommun":
        text = _text(value)
        return text.zfill(4) if text and text.isdigit() else text
    return _text(value)


def _answers(definition: FormDefinition, cells: Mapping[str, object]) -> dict[str, object]:
    answers = {}
    for name in definition.fields:
        header = FIELD_HEADER.get(name)
        if header is not None:
            answers[name] = _raw(name, cells.get(header))
    return answers


def _errors(number: int, errors: Mapping[str, Sequence[object]], cells: Mapping[str, object],
            skip: tuple[str, ...] = ()) -> list[RowError]:
    """The form's messages by column (but those of ``skip``); for a cell whose text is none of
    the choices, one message naming the text found and the texts allowed."""
    found = []
    for name, messages in errors.items():
        if name in skip:
            continue
        column = FIELD_HEADER.get(name, "")
        explained = cell_messages.unknown_value(name, cells.get(column)) if column else None
        if explained is not None:
            found.append(RowError(number, column, explained))
        else:
            found += [RowError(number, column, str(message)) for message in messages]
    return found


END_HEADERS = tuple(c.header for c in IMPORT_COLUMNS if c.field and (
    c.field.endswith("_efter") or c.field in ("avslutningsdatum", "avslutningsanledning")))


def _has_end(cells: Mapping[str, object]) -> bool:
    return any(_text(cells.get(header)) for header in END_HEADERS)


def read_sheet(data: bytes, insats: Insats, *, today: date, max_bytes: int, max_rows: int,
               scans: Iterable[Scan] = (), progress: Progress = quiet,
               max_seconds: int = MAX_SECONDS) -> ImportPlan:
    """Check the file, every row and every scan; nothing is stored. ``progress`` hears of
    the steps "checking" (rows) and "evidence"."""
    plan = ImportPlan(hashlib.sha256(data).hexdigest())
    row_digits: dict[int, str | None] = {}
    deadline = time.monotonic() + max_seconds
    archive, sheet_rows_count = _open(data, max_bytes, max_rows)
    total = max(sheet_rows_count - 1, 0)
    progress("checking", 0, total)
    try:
        rows = _rows(archive, max_rows, deadline, max_seconds)
        first = next(rows, None)
        if first is None:
            raise SheetRefused(_lo("Filen är tom."))
        header = _header(first[1])
        start_form, end_form = load_form("9448"), load_form("9449")
        start_context = {"samverkansorganisation": insats.forbund.name, "insats": insats.name,
                         "insats_start": insats.start_date, "insats_slut": insats.end_date}
        stored = stored_periods(insats)
        in_file: dict[str, list[Period]] = {}
        insats_names: set[str] = set()
        for number, values in rows:
            plan.rows += 1
            if plan.rows % PROGRESS_EVERY == 0:
                progress("checking", number - 1, total)
            cells = {name: values[index] if index < len(values) else None
                     for name, index in header.items()}
            row_digits[number] = "".join(
                c for c in _text(cells.get("Personnummer")) or "" if c.isdigit()) or None
            row = _check_row(number, cells, start_form, end_form, start_context, today, plan)
            if row is None:
                continue
            errors = _store_rules(number, row, cells, insats_names)
            if row.pnr is not None:
                if not errors and known_participation(row, stored, in_file):
                    plan.already_present += 1
                    continue
                errors += _overlaps(number, row, stored, in_file)
            if errors:
                plan.errors += errors
            else:
                plan.valid.append(row)
                if row.pnr is not None:
                    in_file.setdefault(_digits(row), []).append(_period(row, number))
    finally:
        archive.close()
    progress("evidence", 0, len(plan.valid))
    _evidence(plan, insats, scans, row_digits)
    return plan


def _evidence(plan: ImportPlan, insats: Insats, scans: Iterable[Scan],
              row_digits: Mapping[int, str | None]) -> None:
    """Which valid rows have a consent in formapp already, and the scans checked and matched
    to their rows; a scan that can not prove its row is an error of that row."""
    try:
        matched = paper_scans.match(scans, row_digits)
    except ScanNameError as exc:
        raise SheetRefused(exc.message) from exc
    active = _consented_digits(insats, plan)
    valid = {row.row: row for row in plan.valid}
    for candidate in plan.valid:
        if candidate.pnr is not None and not candidate.skyddad and candidate.pnr.digits in active:
            plan.with_consent.add(candidate.row)
    for number, scan in sorted(matched.items()):
        row = valid.get(number)
        if row is None:
            continue  # the row has errors already; it is not imported
        problem = paper_scans.problem(scan)
        if problem is None and row.skyddad:
            problem = str(_lo("Raden har skyddad identitet: den importeras utan "
                              "personuppgifter. Ta bort skanningen."))
        elif problem is None and row.withdrawn:
            problem = str(_lo("Avslutsanledning 6: samtycket är återkallat, så raden "
                              "importeras utan personuppgifter. Ta bort skanningen."))
        elif problem is None and number in plan.with_consent:
            problem = str(_lo("Personen har redan ett samtycke i formapp för insatsen; det "
                              "används. Ta bort skanningen."))
        if problem is None:
            plan.scans[number] = scan
        else:
            plan.errors.append(RowError(number, paper_scans.COLUMN, problem))
    if plan.errors:
        bad = {error.row for error in plan.errors}
        plan.valid = [row for row in plan.valid if row.row not in bad]


def _skyddad(number: int, cells: Mapping[str, object]) -> tuple[bool, list[RowError]]:
    text = (_text(cells.get(SKYDDAD)) or "nej").lower()
    if text in ("ja", "nej"):
        return text == "ja", []
    return False, [RowError(number, SKYDDAD,
                            cell_messages.unknown_yes_no(cells.get(SKYDDAD)))]


def _check_row(number: int, cells: Mapping[str, object], start_form: FormDefinition,
               end_form: FormDefinition, start_context: Mapping[str, object], today: date,
               plan: ImportPlan) -> ValidRow | None:
    skyddad, errors = _skyddad(number, cells)
    start = check(start_form, _answers(start_form, cells), today=today, context=start_context)
    # With skyddad identitet, personnummer and name may be left out: nothing of them is kept.
    unnamed = skyddad and not _text(cells.get("Personnummer"))
    errors += [e for e in _errors(number, start.errors, cells)
               if not (unnamed and e.column in IDENTITY_HEADERS)]
    end_values = None
    asked_after = False
    if _has_end(cells):
        start_date = start.values.get("startdatum")
        context = {"samverkansorganisation": start_context["samverkansorganisation"],
                   "insats": start_context["insats"],
                   "startdatum": start_date if isinstance(start_date, date) else date.min}
        # personnummer and namn are checked once, by FK 9448 (parsing it again cost a tenth
        # of the check); namn stays, the FK 9449 answers keep it.
        end_answers = _answers(end_form, cells)
        end_answers.pop("personnummer", None)
        end = check(end_form, end_answers, today=today, context=context)
        errors += _errors(number, end.errors, cells, skip=("personnummer", "namn"))
        end_values, asked_after = end.values, bool(end.asked.get("arbetar_efter"))
        if _raw("avslutningsanledning", cells.get("Avslutsanledning")) == REMOVES:
            errors.append(RowError(number, "Avslutsanledning", str(_lo(
                "Felregistrering importeras inte: en sådan registrering ska tas bort."))))
    pnr = start.values.get("personnummer")
    kon = pnr.kon if isinstance(pnr, Personnummer) else _kon(cells.get("Kön"))
    if not kon and (unknown := cell_messages.unknown_kon(cells.get("Kön"))):
        errors.append(RowError(number, "Kön", unknown))
    elif not kon and not errors:
        errors.append(RowError(number, "Kön", str(_lo(
            "Ange kön (kvinna eller man) när personnumret lämnas tomt."))))
    if errors:
        plan.errors += errors
        return None
    return ValidRow(number, start.values, end_values, asked_after, skyddad, kon or "")


def _kon(value: object) -> str | None:
    text = (_text(value) or "").lower()
    return next((code for code, label in KON.items() if text in (code, label.lower())), None)


def _store_rules(number: int, row: ValidRow, cells: Mapping[str, object],
                 insats_names: set[str]) -> list[RowError]:
    errors = []
    pnr = row.pnr
    kon = _text(cells.get("Kön"))
    if pnr is not None and kon and kon.lower() not in (pnr.kon, KON[pnr.kon].lower()):
        errors.append(RowError(number, "Kön", str(_lo(
            "Kön stämmer inte med personnumret (%(kon)s).", kon=KON[pnr.kon]))))
    name = _text(cells.get("Insats")) or ""
    insats_names.add(name)
    if len(insats_names) > 1:
        errors.append(RowError(number, "Insats", str(_lo(
            "Alla rader ska gälla samma insats; importera en insats i taget."))))
    return errors


# --- one participation per person, insats and period --------------------------------------

@dataclass(frozen=True)
class Period:
    start: date
    end: date | None  # None: still open
    row: int | None = None  # the file's row; None for one stored in formapp


def _digits(row: ValidRow) -> str:
    pnr = row.start["personnummer"]
    assert isinstance(pnr, Personnummer)
    return pnr.digits


def _period(row: ValidRow, number: int | None = None) -> Period:
    start = row.start["startdatum"]
    end = row.end["avslutningsdatum"] if row.end is not None else None
    assert isinstance(start, date) and (end is None or isinstance(end, date))
    return Period(start, end, number)


def stored_periods(insats: Insats) -> dict[str, list[Period]]:
    """Every participation in the insats, ended or not, by personnummer."""
    found: dict[str, list[Period]] = {}
    for digits, start, end in db.session.execute(
            select(Person.personnummer, Registration.start_date, Registration.end_date)
            .join(Registration, Registration.person_id == Person.id)
            .where(Registration.insats_id == insats.id)):
        found.setdefault(digits, []).append(Period(start, end))
    return found


def known_participation(row: ValidRow, stored: Mapping[str, list[Period]],
                        in_file: Mapping[str, list[Period]]) -> bool:
    """The identity of a participation is person, insats and startdatum."""
    start = _period(row).start
    digits = _digits(row)
    return any(p.start == start for p in (*stored.get(digits, ()), *in_file.get(digits, ())))


def _overlaps(number: int, row: ValidRow, stored: Mapping[str, list[Period]],
              in_file: Mapping[str, list[Period]]) -> list[RowError]:
    mine = _period(row)
    digits = _digits(row)
    for other in (*stored.get(digits, ()), *in_file.get(digits, ())):
        if not overlaps(mine.start, mine.end, other.start, other.end):
            continue
        if other.row is None:
            message = overlap_message(other.start, other.end)
        else:
            message = _lo("Perioden överlappar rad %(row)d för samma person. Perioder i "
                          "samma insats får inte överlappa.", row=other.row)
        return [RowError(number, FIELD_HEADER["startdatum"], str(message))]
    return []


def _consented_digits(insats: Insats, plan: ImportPlan) -> set[str]:
    """The valid rows' personnummer with an active consent for the insats: found by keyed hash
    alone (nothing decrypted), under every configured lookup key."""
    by_hash = plan.lookup_hashes()
    wanted = sorted(by_hash)
    found: set[str] = set()
    for offset in range(0, len(wanted), 1000):
        found.update(by_hash[digest] for digest in db.session.scalars(
            select(Person.personnummer_hmac).join(Consent, Consent.person_id == Person.id)
            .where(Person.forbund_id == insats.forbund_id,
                   Person.personnummer_hmac.in_(wanted[offset:offset + 1000]),
                   Consent.insats_id == insats.id,
                   Consent.status == ConsentStatus.ACTIVE.value)))
    return found
