"""Demo participations for the reports: open and closed, several insatser, both kön, ages on
both sides of 30, every end reason that stays stored, anonymous and volume counts.

Deterministic (a fixed seed), dated up to ``today``. Every participation goes through the real
store: a consent signed and sealed (FK 9443), FK 9448 and, when closed, FK 9449 or a
withdrawal: no consent is made up, even in the demo (issue 17), so every page of the demo
shows a document that ``formapp verify --all`` accepts. The anonymous and volume counts go
through ``cases.counts``, as the count pages change them. Tooling: only ``formapp demo``
loads it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from formapp.cases.consent import sign_consent, start_draft
from formapp.cases.counts import change_anonymous_count, change_volume_count
from formapp.cases.deregistration import deregister
from formapp.cases.registration import register_participant
from formapp.cases.withdrawal import withdraw
from formapp.documents.consent import Signature, SignatureStroke
from formapp.domain import insatser as vocab
from formapp.extensions import db
from formapp.records.counts import count_years
from formapp.records.models import Forbund, Insats, User
from formapp.tooling.synthetic import Participation, Work, block_answers, make_personnummer

PARTICIPATIONS = 36  # each one is three sealed PDFs: enough for every report, quick to load
KOMMUNER = ("0680", "0662", "0665", "0682", "0684")
PUBLIC = ("sjukpenning", "aktivitetsersattning", "sjukersattning", "a_kassa", "aktivitetsstod",
          "forsorjningsstod", "annan")
EDUCATION = ("grundskola", "gymnasium", "hogskola_upp_till_1", "hogskola_upp_till_3",
             "hogskola_mer_an_3", "saknas", "annan_eftergymnasial")
DURATIONS = ("upp_till_1", "upp_till_2", "upp_till_3", "upp_till_5", "mer_an_9",
             "ej_tillampligt")
END_REASONS = ("1", "1", "1", "2", "2", "2", "3", "4", "5", "6", "7", "9")
WORK_TYPES = ("inte_subventionerat", "subventionerat", "eget_foretag")
SIGNATURE = Signature((SignatureStroke(((0.1, 0.5), (0.4, 0.7), (0.7, 0.4), (0.9, 0.6))),),
                      aspect=3.0)


def _supports(rng: random.Random, duration: str) -> tuple[str, ...]:
    if duration == "ej_tillampligt":
        return rng.choice((("ingen",), ("studiestod",)))
    kinds = set(rng.sample(PUBLIC, rng.choice((1, 1, 2))))
    if rng.random() < 0.1:
        kinds.add("studiestod")
    return tuple(sorted(kinds))


def _work(rng: random.Random, chance: float) -> Work:
    works, studies = rng.random() < chance, rng.random() < chance / 2
    return Work(rng.choice((25, 50, 75, 100)) if works else None,
                rng.choice(WORK_TYPES) if works else None,
                rng.choice((25, 50, 100)) if studies else None)


def _participation(rng: random.Random, insats: Insats, today: date, index: int
                   ) -> Participation:
    first = max(insats.start_date, date(today.year - 1, 1, 1))
    span = max((today - first).days - 20, 1)
    start = first + timedelta(days=rng.randrange(span))
    age = rng.choice((19, 22, 24, 27, 29, 31, 35, 42, 48, 55, 61))
    birth = date(start.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))
    duration = rng.choice(DURATIONS)
    closed = index % 3 != 0 and (today - start).days > 14
    end_date = reason = None
    if closed:
        end_date = min(start + timedelta(days=rng.randint(14, 300)), today)
        reason = END_REASONS[index % len(END_REASONS)]
    measured = closed and reason not in ("6", "7")
    work_after = _work(rng, 0.45) if measured else Work()
    if measured and reason == "1" and not (work_after.arbete or work_after.studier):
        work_after = Work(50, "inte_subventionerat", None)
    return Participation(
        insats_id=insats.id, kon=rng.choice(("kvinna", "man")), birth_date=birth,
        start_date=start, kommun=rng.choice(KOMMUNER), utbildning=rng.choice(EDUCATION),
        forsorjning_tid=duration, supports_fore=_supports(rng, duration),
        aktivt_fore=rng.random() < 0.3, work_fore=_work(rng, 0.12), end_date=end_date,
        end_reason=reason,
        supports_efter=_supports(rng, rng.choice(DURATIONS)) if measured else (),
        aktivt_efter=measured and rng.random() < 0.2, work_efter=work_after,
        name=f"Demo Deltagare {index + 1}")


def _block(p: Participation, suffix: str) -> dict[str, object]:
    """The block of FK 9448 (``_fore``) or FK 9449 (``_efter``); "ingen" when no support."""
    if suffix == "_fore":
        return block_answers(p.supports_fore or ("ingen",), p.aktivt_fore, p.work_fore, suffix)
    return block_answers(p.supports_efter or ("ingen",), p.aktivt_efter, p.work_efter, suffix)


def _store(p: Participation, insats: Insats, officer: User, today: date, serial: int) -> None:
    """One participation through the store, as the pages make it."""
    pnr = make_personnummer(p.birth_date, p.kon, serial)
    draft = start_draft(insats, officer, personnummer=pnr, place="Demokommunen", today=today)
    consent = sign_consent(draft, locale="sv", name=p.name, signature=SIGNATURE,
                           confirmed_read=True)
    registration = register_participant(consent, {
        "namn": p.name, "startdatum": p.start_date.isoformat(), "kommun": p.kommun,
        "utbildning": p.utbildning, "forsorjning_tid": p.forsorjning_tid,
        **_block(p, "_fore")}, officer=officer, today=today)
    if p.end_date is None or p.end_reason is None:
        return
    if p.end_reason == "6":
        withdraw(consent, by=officer, reason="Deltagaren återkallade samtycket (demo).",
                 today=today)
        return
    end: dict[str, object] = {"namn": p.name, "avslutningsdatum": p.end_date.isoformat(),
                              "avslutningsanledning": p.end_reason}
    if p.end_reason != "7":  # 7: utan mätning
        end |= _block(p, "_efter")
    deregister(registration, end, by=officer, today=today)


def load_report_demo(forbund: Forbund, insatser: list[Insats], today: date,
                     officer: User) -> int:
    """Participations, anonymous and volume counts for the demo förbund; how many
    participations."""
    rng = random.Random(9448)
    individual = [i for i in insatser if i.kind == vocab.INDIVIDINRIKTAD
                  and not i.is_volyminsats and i.runs_on(today)]
    rows = [_participation(rng, individual[n % len(individual)], today, n)
            for n in range(PARTICIPATIONS)] if individual else []
    for serial, row in enumerate(rows, start=100):
        _store(row, db.session.get_one(Insats, row.insats_id), officer, today, serial)
    for insats in individual:
        for year in {insats.start_date.year, today.year}:
            if insats.start_date.year <= year <= today.year:
                for kon, number in (("kvinna", rng.randint(2, 9)), ("man", rng.randint(2, 9))):
                    change_anonymous_count(insats, year=year, kon=kon, delta=number,
                                           by=officer, today=today)
    for insats in insatser:
        if insats.is_volyminsats and today.year in count_years(insats, today):
            change_volume_count(insats, year=today.year, delta=137, by=officer, today=today)
    db.session.flush()
    return len(rows)
