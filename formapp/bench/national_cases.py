"""National scale (issue 22): many förbund on one PostgreSQL, their reports timed.

``participations`` synthetic participations (``tooling.synthetic``) spread over ``forbund``
förbund (Sweden has about 80) with ten insatser each over ten years, written with COPY while
the tables' secondary indexes are dropped and built again after (``synthetic.bulk_load``),
then VACUUM ANALYZE as autovacuum would. Two cases:

* ``reports_forbund``: one förbund's seven reports for last year, among all the others' rows
  (what an officer waits for; issue 22's goal ≤ 300 ms);
* ``reports_national``: the national report (``catalog.build_national_report``: report 7 of
  every förbund from one set of grouped queries over all of them) for last year (goal ≤ 2 s);
  ``per_forbund_builds_ms``: one run of what it replaces, report 7 of each förbund in turn.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from formapp.bench.report_cases import YEARS, _rows, _settle, reports_case
from formapp.bench.timing import CaseResult
from formapp.domain import insatser as vocab
from formapp.extensions import db
from formapp.records.models import (
    Consent,
    Forbund,
    Insats,
    Person,
    Registration,
    RegistrationSupport,
)
from formapp.reports.catalog import build_national_report, build_report
from formapp.reports.filters import Filters
from formapp.tooling.synthetic import bulk_load, insert_participations, placeholder_document

FORBUND = 80
INSATSER_EACH = 10


def _forbund(number: int, first: date) -> tuple[Forbund, list[int]]:
    forbund = Forbund(name=f"Bench-förbund {number:02d}")
    db.session.add(forbund)
    insatser = []
    for n in range(INSATSER_EACH):
        kind = vocab.INDIVIDINRIKTAD if n % 5 else vocab.STRUKTUROVERGRIPANDE
        inriktning = vocab.INRIKTNINGAR[kind][n % len(vocab.INRIKTNINGAR[kind])].code
        insatser.append(Insats(forbund=forbund, name=f"Insats {n:02d}", start_date=first,
                               kind=kind, inriktning=inriktning, finansieringsform="finsam",
                               prio_langtidssjukskrivna=n % 3 == 0))
    db.session.add_all(insatser)
    db.session.flush()
    return forbund, [i.id for i in insatser if i.kind == vocab.INDIVIDINRIKTAD]


def national_data(participations: int, forbund: int, last_year: int) -> list[Forbund]:
    """The förbund, committed and settled; ``participations`` shared out evenly."""
    first = date(last_year - YEARS + 1, 1, 1)
    made = []
    with bulk_load((Person, Consent, Registration, RegistrationSupport)):
        for number in range(forbund):
            count = participations // forbund + (number < participations % forbund)
            made_forbund, individual = _forbund(number, first)
            document = placeholder_document(made_forbund.id, made_forbund.name)
            insert_participations(made_forbund.id, _rows(count, individual, first, last_year),
                                  document, batch=20_000, copy=True)
            made.append(made_forbund)
    db.session.commit()
    _settle()
    return made


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    db.session.rollback()
    return (time.perf_counter() - start) * 1000


def national_case(forbunds: list[Forbund], year: int, runs: int) -> CaseResult:
    ids = [f.id for f in forbunds]

    def national() -> None:
        build_national_report(year, 5, ids)

    def every_forbund() -> None:
        for forbund_id in ids:
            build_report("nationell", Filters(forbund_id, year), 5)

    _timed(national)  # warms the caches; not a sample
    samples = [_timed(national) for _ in range(runs)]
    return CaseResult("reports_national", samples, extra={
        "forbund": len(forbunds), "per_forbund_builds_ms": round(_timed(every_forbund), 1)})


def national_cases(participations: int, forbund: int, runs: int) -> list[CaseResult]:
    if db.engine.dialect.name != "postgresql":
        raise ValueError("the national cases run on PostgreSQL (COPY, one national database)")
    year = date.today().year - 1
    start = time.perf_counter()
    forbunds = national_data(participations, forbund, year)
    generated = round(time.perf_counter() - start, 1)
    one = reports_case(forbunds[0], year, runs)
    results = [CaseResult("reports_forbund", one.samples_ms, extra=one.extra),
               national_case(forbunds, year, runs)]
    for result in results:
        result.extra = {"participations": participations, "forbund": forbund,
                        "generate_s": generated, **result.extra}
    return results

