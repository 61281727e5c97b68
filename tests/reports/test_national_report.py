"""The national report (issue 22): report 7 of every förbund from one set of grouped queries
equals what each förbund's own reports give, and the seven reports counted over several förbund
together are the sums of each one's (on SQLite and PostgreSQL: the ``app`` fixture runs each
test on both)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask import Flask

from formapp.bench.national_cases import _forbund
from formapp.bench.report_cases import _rows
from formapp.extensions import db
from formapp.reports.catalog import REPORT_IDS, build_national_report, build_report
from formapp.reports.filters import Filters
from formapp.reports.model import Report, Table
from formapp.tooling.synthetic import insert_participations, placeholder_document
from tests.reports.dataset import build_dataset
from tests.world import build_world

NO_SUPPRESSION = 1
REGISTERED = ("kvinna", "man", "totalt", "volym")
YEAR = 2024


def _total_row(report: Report) -> tuple:
    table = report.table("nationell")
    return tuple(table.value("totalt", column) for column in REGISTERED)


def test_each_forbund_row_is_that_forbunds_report_7(app: Flask) -> None:
    world = build_world()
    build_dataset(world)
    national = build_national_report(YEAR, NO_SUPPRESSION).table("riket")
    forbunds = (world.forbund_a, world.forbund_b)
    assert [row.key for row in national.rows] == [f"forbund_{f.id}" for f in forbunds] + [
        "totalt"]
    for forbund in forbunds:
        own = build_report("nationell", Filters(forbund.id, YEAR), NO_SUPPRESSION)
        key = f"forbund_{forbund.id}"
        assert tuple(national.value(key, c) for c in REGISTERED) == _total_row(own)
        assert national.value(key, "insatser") == len(own.table("nationell").rows) - 1
    # Hand counts (tests/reports/dataset.py): A registered 9 K and 6 M (anonymous included),
    # 40 in its volyminsats; B one man.
    assert tuple(national.value(f"forbund_{world.forbund_a.id}", c) for c in REGISTERED) == (
        9, 6, 15, 40)
    assert tuple(national.value("totalt", c) for c in REGISTERED) == (9, 7, 16, 40)
    assert "2 förbund" in str(national.row("totalt").label)


def test_small_counts_are_suppressed_as_in_every_report(app: Flask) -> None:
    world = build_world()
    build_dataset(world)
    national = build_national_report(YEAR, 5).table("riket")
    b = f"forbund_{world.forbund_b.id}"
    assert national.is_suppressed(b, "man") and national.is_suppressed(b, "totalt")
    counts = ("kvinna", "man", "totalt")
    # B's one man cannot be worked back from any row or column sum.
    for row in national.rows:
        assert sum(national.is_suppressed(row.key, c) for c in counts) != 1, row.key
    for column in counts:
        assert sum(national.is_suppressed(r.key, column) for r in national.rows) != 1, column
    assert national.value(b, "insatser") is not None  # insatser are not persons: shown
    assert national.value("totalt", "volym") == 40


def _cells(tables: tuple[Table, ...]) -> dict[tuple[str, str, str], float]:
    """(table, row, column) -> value, for the additive cells (persons and insatser)."""
    cells: dict[tuple[str, str, str], float] = {}
    for table in tables:
        for row in table.rows:
            for column in table.columns:
                if column.unit in ("count", "number"):
                    value = table.value(row.key, column.key)
                    assert value is not None  # no suppression in these builds
                    cells[(table.key, row.key, column.key)] = value
    return cells


def test_reports_over_several_forbund_are_the_sums_of_their_own(app: Flask) -> None:
    first = date(YEAR - 9, 1, 1)
    ids = []
    for number, count in ((0, 400), (1, 150), (2, 40)):
        forbund, individual = _forbund(number, first)
        document = placeholder_document(forbund.id, forbund.name)
        insert_participations(forbund.id, _rows(count, individual, first, YEAR), document,
                              batch=200)
        ids.append(forbund.id)
    db.session.commit()
    for report_id in REPORT_IDS:
        summed: dict[tuple[str, str, str], float] = defaultdict(int)
        for forbund_id in ids:
            own = build_report(report_id, Filters(forbund_id, YEAR), NO_SUPPRESSION)
            for key, value in _cells(own.tables).items():
                summed[key] += value
        together = build_report(report_id, Filters(tuple(ids), YEAR), NO_SUPPRESSION)
        assert _cells(together.tables) == dict(summed), report_id
        assert sum(summed.values()) > 0, report_id
    national = build_national_report(YEAR, NO_SUPPRESSION, ids).table("riket")
    per_insats = build_report("nationell", Filters(tuple(ids), YEAR), NO_SUPPRESSION)
    assert tuple(national.value("totalt", c) for c in REGISTERED) == _total_row(per_insats)
    assert national.value("totalt", "insatser") == len(per_insats.table("nationell").rows) - 1
