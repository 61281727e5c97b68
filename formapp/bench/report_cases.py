"""The report cases: all seven reports over many participations, and a large Excel export.

The participations are synthetic and bulk-inserted (``tooling.synthetic``): ten years of a
national-scale förbund in a minute, not the hours the forms' sealed PDFs would take. Time is
wall-clock; memory is tracemalloc's peak of Python allocations during one more run (tracing
slows a run, so it is not the timed one).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text

from formapp.bench.timing import CaseResult
from formapp.domain import insatser as vocab
from formapp.extensions import db
from formapp.records.models import Forbund, Insats
from formapp.reports.catalog import REPORTS, build_report
from formapp.reports.export import ExportRequest, write_export
from formapp.reports.filters import Filters
from formapp.tooling.synthetic import (
    Participation,
    Work,
    insert_participations,
    placeholder_document,
)

YEARS = 10
INSATSER = 40
PUBLIC = ("sjukpenning", "aktivitetsersattning", "sjukersattning", "a_kassa", "aktivitetsstod",
          "forsorjningsstod", "annan")
REASONS = ("1", "1", "2", "2", "2", "3", "4", "5", "6", "7", "9")
SETTLED = ("registration", "registration_support", "person", "consent", "insats")


def bench_forbund(participations: int, last_year: int) -> Forbund:
    """A förbund with ``INSATSER`` insatser and ``participations`` spread over ``YEARS``."""
    forbund = Forbund(name=f"Bench-förbundet {participations}")
    db.session.add(forbund)
    first = date(last_year - YEARS + 1, 1, 1)
    insatser = []
    for number in range(INSATSER):
        kind = vocab.INDIVIDINRIKTAD if number % 5 else vocab.STRUKTUROVERGRIPANDE
        inriktning = vocab.INRIKTNINGAR[kind][number % len(vocab.INRIKTNINGAR[kind])].code
        insatser.append(Insats(forbund=forbund, name=f"Insats {number:02d}", start_date=first,
                               kind=kind, inriktning=inriktning, finansieringsform="finsam",
                               prio_langtidssjukskrivna=number % 3 == 0))
    db.session.add_all(insatser)
    db.session.flush()
    individual = [i.id for i in insatser if i.kind == vocab.INDIVIDINRIKTAD]
    document = placeholder_document(forbund.id, forbund.name)
    insert_participations(forbund.id, _rows(participations, individual, first, last_year),
                          document, batch=10_000)
    db.session.commit()
    _settle()
    return forbund


def _settle() -> None:
    """PostgreSQL after a bulk load: VACUUM ANALYZE, as autovacuum soon would on its own. The
    planner needs the statistics, and index-only scans need the visibility map (without it
    every index entry is checked against the table)."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE " + ", ".join(SETTLED)))


def _rows(count: int, insatser: list[int], first: date, last_year: int
          ) -> Iterator[Participation]:
    rng = random.Random(300_000)
    span = (date(last_year, 12, 1) - first).days
    for _ in range(count):
        start = first + timedelta(days=rng.randrange(span))
        closed = rng.random() < 0.9
        end = min(start + timedelta(days=rng.randint(30, 400)), date(last_year, 12, 31))
        reason = rng.choice(REASONS) if closed else None
        measured = closed and reason not in ("6", "7")
        works = measured and (reason == "1" or rng.random() < 0.2)
        yield Participation(
            insats_id=rng.choice(insatser), kon=rng.choice(("kvinna", "man")),
            birth_date=date(start.year - rng.randint(18, 64), rng.randint(1, 12),
                            rng.randint(1, 28)),
            start_date=start, supports_fore=(rng.choice(PUBLIC),),
            work_fore=Work(50, "subventionerat") if rng.random() < 0.1 else Work(),
            end_date=end if closed else None, end_reason=reason,
            supports_efter=(rng.choice((*PUBLIC, "ingen")),) if measured else (),
            work_efter=Work(rng.choice((25, 50, 100)), "inte_subventionerat") if works
            else Work())


def _peak_mib(action: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


def reports_case(forbund: Forbund, year: int, runs: int) -> CaseResult:
    """All seven reports, default threshold, for one year: one sample = all seven. Also each
    report's median, and the CPU time of this process (on a shared machine the wall-clock
    time includes waiting for a CPU; on PostgreSQL the server's work is not in it)."""
    filters = Filters(forbund.id, year)
    each: dict[str, list[float]] = {spec.id: [] for spec in REPORTS}

    def all_reports() -> None:
        for spec in REPORTS:
            start = time.perf_counter()
            build_report(spec.id, filters, 5)
            each[spec.id].append((time.perf_counter() - start) * 1000)
        db.session.rollback()  # nothing kept between runs

    peak = _peak_mib(all_reports)  # also warms the caches (definitions, compiled queries)
    for values in each.values():
        values.clear()  # the untimed run is not a sample
    samples, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        all_reports()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return CaseResult("reports", samples, extra={
        "reports": len(REPORTS), "cpu_median_ms": round(statistics.median(cpu), 1),
        "each_median_ms": {name: round(statistics.median(values), 1)
                           for name, values in each.items()},
        "peak_mib": round(peak, 1)})


def export_case(forbund: Forbund, year: int, runs: int) -> CaseResult:
    """The participant export of the year's closed participations: the seeds/000 sheet (timed
    ``runs`` times), and once the full sheet an import needs (30 columns: ``full_ms``)."""
    rows = 0

    def export(full: bool = False) -> None:
        nonlocal rows
        with tempfile.TemporaryFile() as out:
            rows = write_export(ExportRequest(forbund.id, year=year, full=full), out,
                                datetime.now(UTC))
        db.session.rollback()

    samples, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        export()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    start = time.perf_counter()
    export(full=True)
    full_ms = round((time.perf_counter() - start) * 1000)
    return CaseResult("export", samples, extra={
        "rows": rows, "cpu_median_ms": round(statistics.median(cpu), 1),
        "peak_mib": round(_peak_mib(export), 1), "full_ms": full_ms,
        "full_peak_mib": round(_peak_mib(lambda: export(full=True)), 1)})


def report_cases(participations: int, runs: int) -> list[CaseResult]:
    year = date.today().year - 1
    start = time.perf_counter()
    forbund = bench_forbund(participations, year)
    generated = round(time.perf_counter() - start, 1)
    results = [reports_case(forbund, year, runs), export_case(forbund, year, max(1, runs // 2))]
    for result in results:
        result.extra = {"participations": participations, **result.extra}
    results[0].extra["generate_s"] = generated
    return results
