"""``import_10k``: a förbund's earlier Excel follow-up of 10,000 participations read and stored.

The sheet is the export's own format (``reports.sheet``), written once. A fifth of its people
have an active consent in formapp already (stored with personnummer and name, their consent
used), a few have a scanned paper FK 9443 (sealed and archived one by one), the rest are
counted anonymously: the three routes of issue 17 in the proportions a move-in brings. One
sample is the whole import, ``read_sheet`` and ``import_rows`` and the commit, into an insats of
its own that is emptied again after (so every sample starts from the same store).
"""

from __future__ import annotations

import io
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from reportlab.pdfgen import canvas
from sqlalchemy import delete, select, update

from formapp.bench.timing import CaseResult
from formapp.cases.importing import import_rows
from formapp.domain import insatser as vocab
from formapp.extensions import db
from formapp.imports.reading import read_sheet
from formapp.imports.scans import Scan
from formapp.records.models import (
    AnonymousCount,
    Consent,
    ImportBatch,
    Insats,
    Person,
    Registration,
    RegistrationSupport,
    User,
)
from formapp.reports.sheet import IMPORT_COLUMNS
from formapp.reports.xlsx import XlsxWriter
from formapp.tooling.synthetic import make_personnummer, placeholder_document

CONSENTED = 5  # every fifth row's person has an active consent in formapp
SUPPORTS = ("Försörjningsstöd", "Sjukpenning", "Aktivitetsstöd; Försörjningsstöd",
            "A-kassa", "Ingen offentlig försörjning")
REASONS = ("1 Utskrivning - till arbete, studier eller arbetsökande",
           "2 Utskrivning - fortsatt rehabilitering", "3 Utskrivning på grund av sjukdom",
           "6 Medgivande återtaget")


def _scan(row: int) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, f"FK 9443, underskriven (rad {row})")
    page.save()
    return out.getvalue()


def _row(number: int, personnummer: str, kon: str, start: date,
         rng: random.Random) -> dict[str, object]:
    closed = number % 3 != 0
    reason = rng.choice(REASONS) if closed else None
    measured = closed and not str(reason).startswith("6")
    row: dict[str, object] = {c.header: None for c in IMPORT_COLUMNS}
    row.update({
        "Personnummer": personnummer[:8] + "-" + personnummer[8:], "Namn": f"Person {number}",
        "Insats": "Tidigare uppföljning", "Kön": "Kvinna" if kon == "kvinna" else "Man",
        "Kommunkod": "0680", "Inskrivningsdatum": start,
        "Utskrivningsdatum": start + timedelta(days=rng.randint(30, 300)) if closed else None,
        "Tid i offentlig försörjning före inskrivning": "Upp till 1 år",
        "Avslutsanledning": reason, "Utbildning": "Gymnasium",
        "Offentlig försörjning före": rng.choice(SUPPORTS[:4]),
        "Aktivt arbetssökande före": "Nej", "Arbetar före": "Nej", "Studerar före": "Nej"})
    if measured:
        row.update({"Offentlig försörjning efter": rng.choice(SUPPORTS),
                    "Aktivt arbetssökande efter": "Nej", "Studerar efter": "Nej",
                    "Arbetar efter": "Ja" if str(reason).startswith("1") else "Nej"})
        if str(reason).startswith("1"):
            row.update({"Arbete % efter": 50, "Arbetstyp efter": "Inte subventionerat arbete"})
    return row


def import_sheet(rows: int, first_day: date) -> tuple[bytes, list[tuple[str, str]]]:
    """The sheet's bytes and each row's (personnummer, kön), distinct people. Row ``n``
    (Excel's number) is still open when ``n % 3 == 0``."""
    rng = random.Random(10_000)
    header = [c.header for c in IMPORT_COLUMNS]
    people: list[tuple[str, str]] = []
    body: list[list[object]] = []
    for index in range(rows):
        kon = "kvinna" if index % 2 else "man"
        birth = date(1960 + index % 40, 1 + index // 40 % 12, 1 + index // 480 % 28)
        personnummer = make_personnummer(birth, kon, index // 13440)
        people.append((personnummer, kon))
        start = first_day + timedelta(days=rng.randrange(700))
        values = _row(index + 2, personnummer, kon, start, rng)
        body.append([values[h] for h in header])
    out = io.BytesIO()
    with XlsxWriter(out) as book:  # the participant export's own writer: its very format
        book.sheet("Deltagare", body, header=header)
    return out.getvalue(), people


def _consents(insats: Insats, people: list[tuple[str, str]], document: str) -> None:
    """Active consents in formapp for every ``CONSENTED``-th person (signed before the move)."""
    now = datetime.now(UTC)
    for index, (personnummer, kon) in enumerate(people):
        if index % CONSENTED:
            continue
        person = Person(forbund_id=insats.forbund_id, personnummer=personnummer, kon=kon,
                        birth_date=date(int(personnummer[:4]), int(personnummer[4:6]),
                                        int(personnummer[6:8])),
                        name=f"Person {index + 2}", created_at=now)
        db.session.add(person)
        db.session.add(Consent(
            id=str(uuid.uuid4()), forbund_id=insats.forbund_id, insats=insats, person=person,
            locale="sv", binding_version="synthetic", binding_sha256=document,
            kind="synthetic", name=person.name, place="–", signed_on=now.date(),
            signed_at=now, pdf_sha256=document, status="active"))
    db.session.flush()


def _empty(insats: Insats) -> None:
    """Undo one sample's import (not timed): its registrations, counts, batch and audit."""
    ids = select(Registration.id).where(Registration.insats_id == insats.id)
    db.session.execute(delete(RegistrationSupport).where(
        RegistrationSupport.registration_id.in_(ids)))
    db.session.execute(delete(Registration).where(Registration.insats_id == insats.id))
    db.session.execute(delete(Consent).where(Consent.insats_id == insats.id,
                                             Consent.kind == "paper"))
    db.session.execute(delete(AnonymousCount).where(AnonymousCount.insats_id == insats.id))
    db.session.execute(delete(ImportBatch).where(ImportBatch.insats_id == insats.id))
    db.session.execute(update(Consent).where(
        Consent.insats_id == insats.id).values(status="active", used_at=None))
    db.session.commit()  # the audit trail is append-only: its entries stay


def import_case(officer: User, rows: int, runs: int, scans: int = 10) -> CaseResult:
    """Import ``rows`` rows ``runs`` times (median, p95); ``scans`` rows bring a paper scan."""
    forbund = officer.forbund
    assert forbund is not None, "the bench's officer belongs to a förbund"
    first_day = date(date.today().year - 3, 1, 1)
    insats = Insats(forbund=forbund, name=f"Importerad insats {uuid.uuid4().hex[:6]}",
                    start_date=first_day, kind=vocab.INDIVIDINRIKTAD,
                    inriktning=vocab.INRIKTNINGAR[vocab.INDIVIDINRIKTAD][0].code,
                    finansieringsform="finsam")
    db.session.add(insats)
    db.session.flush()
    data, people = import_sheet(rows, first_day)
    _consents(insats, people, placeholder_document(forbund.id, forbund.name))
    db.session.commit()
    # Open rows (never withdrawn) whose person has no consent in formapp: a scan proves them.
    numbers = [n for n in range(2, rows + 2) if n % 3 == 0 and (n - 2) % CONSENTED][:scans]
    paper = [Scan(f"{number}.pdf", _scan(number)) for number in numbers]
    samples, cpu = [], []
    result = None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        plan = read_sheet(data, insats, today=date.today(), max_bytes=len(data) + 1,
                          max_rows=rows, scans=paper, max_seconds=3600)
        result = import_rows(plan, insats, by=officer, reason="Flytt från Excel (bench)",
                             valid_only=False)
        db.session.commit()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        _empty(insats)
    assert result is not None and result.imported == rows, result
    return CaseResult("import_10k", samples, extra={
        "rows": rows, "with_consent": result.with_consent, "with_paper": result.with_paper,
        "anonymous": result.anonymous, "cpu_median_ms": round(statistics.median(cpu), 1),
        "bytes": len(data)})
