"""Small counts: hidden below the threshold (at and around it: 4, 5, 6), and secondary
suppression so that no hidden cell can be worked back from a total."""

from __future__ import annotations

import pytest
from flask import Flask

from formapp.reports.catalog import build_report
from formapp.reports.filters import Filters
from formapp.reports.grid import Grid, Percent, RowSpec
from formapp.reports.model import Column
from formapp.reports.suppression import SumGroup, suppress
from tests.reports.dataset import build_dataset
from tests.world import build_world


def kon_grid(women: int, men: int) -> Grid:
    """One category row plus a total row, kvinna + man = totalt, with a share column."""
    grid = Grid("t", "t", [RowSpec("a", "A"), RowSpec("b", "B"),
                           RowSpec("totalt", "Totalt", total=True)],
                [Column("kvinna", "K"), Column("man", "M"), Column("totalt", "T"),
                 Column("andel", "%", "percent")])
    grid.percents["andel"] = Percent("totalt", base_row="totalt")
    values = {"a": (women, men), "b": (20, 30)}
    for row, (k, m) in values.items():
        grid.set(row, "kvinna", k)
        grid.set(row, "man", m)
        grid.set(row, "totalt", k + m)
    for column in ("kvinna", "man", "totalt"):
        grid.set("totalt", column, sum(grid.values[(r, column)] for r in values))
    grid.columns_sum("totalt", ["kvinna", "man"])
    grid.rows_sum("totalt", ["a", "b"])
    return grid


@pytest.mark.parametrize(("threshold", "hidden"), [(4, False), (5, False), (6, True)])
def test_a_count_of_five_around_the_threshold(threshold: int, hidden: bool) -> None:
    table, _ = kon_grid(5, 12).build(threshold)
    assert table.is_suppressed("a", "kvinna") is hidden
    assert (table.value("a", "kvinna") is None) is hidden


@pytest.mark.parametrize(("count", "hidden"), [(4, True), (5, False), (6, False), (0, False)])
def test_counts_around_the_default_threshold(count: int, hidden: bool) -> None:
    table, _ = kon_grid(count, 12).build(5)
    assert table.is_suppressed("a", "kvinna") is hidden


def test_secondary_suppression_hides_what_would_give_a_cell_away() -> None:
    table, hidden = kon_grid(4, 12).build(5)
    # K=4 hidden; with T=16 shown, M=12 would give it away: hidden too (row a).
    assert table.is_suppressed("a", "kvinna") and table.is_suppressed("a", "man")
    assert table.value("a", "totalt") == 16
    # Column kvinna: 4 + 20 = 24 shown would give 4 away: the other part (20) hides too,
    # and the same in column man (12 + 30): the totals stay.
    assert table.is_suppressed("b", "kvinna") and table.is_suppressed("b", "man")
    assert table.value("totalt", "kvinna") == 24 and table.value("totalt", "man") == 42
    assert hidden == 4
    assert_no_group_gives_a_cell_away(kon_grid(4, 12), 5)


def test_a_small_total_hides_its_parts_and_its_share() -> None:
    table, _ = kon_grid(2, 1).build(5)
    assert table.is_suppressed("a", "totalt")
    assert table.is_suppressed("a", "andel")  # a share of a hidden count is hidden too
    # Row b's total (50) hides as the complement of a's (3) in the column total (53).
    assert table.is_suppressed("b", "totalt") and table.is_suppressed("b", "andel")
    assert table.value("totalt", "totalt") == 53


def assert_no_group_gives_a_cell_away(grid: Grid, threshold: int) -> None:
    counts = {key: int(v) for key, v in grid.values.items()
              if key[1] in grid.columns_of("count")}
    hidden = suppress(counts, grid.groups, threshold)
    for group in grid.groups:
        assert sum(cell in hidden for cell in group.cells) != 1, group
    for key, value in counts.items():
        if 0 < value < threshold:
            assert key in hidden


def test_suppress_repeats_until_no_group_has_a_single_hidden_cell() -> None:
    # A chain: hiding b for group 1 exposes group 2, which must hide c too.
    values = {"t1": 10, "a": 3, "b": 7, "t2": 15, "c": 8}
    groups = [SumGroup("t1", ("a", "b")), SumGroup("t2", ("b", "c"))]
    hidden = suppress(values, groups, 5)
    assert hidden == {"a", "b", "c"}


def test_reports_at_the_default_threshold(app: Flask) -> None:
    world = build_world()
    build_dataset(world)
    report = build_report("avslut", Filters(world.forbund_a.id, 2024), 5)
    table = report.table("avslutsanledning")
    # Every count is 1–3 except the totals 5 (K), 3 (M), 8: K=5 would give M=3 away.
    for row in table.rows:
        for column in ("kvinna", "man", "totalt", "andel"):
            if (row.key, column) == ("totalt", "totalt"):
                assert table.value(row.key, column) == 8
            elif (row.key, column) == ("totalt", "andel"):
                assert table.value(row.key, column) == 100.0  # 8 of 8
            elif table.row(row.key).cells[table.column_index(column)].value not in (0, None):
                assert table.is_suppressed(row.key, column), (row.key, column)
    assert report.suppressed_cells > 0
    national = build_report("nationell", Filters(world.forbund_a.id, 2024), 5).table(
        "nationell")
    a1, a2 = f"insats_{world.insats_a1.id}", f"insats_{world.insats_a2.id}"
    assert national.is_suppressed(a2, "kvinna") and national.is_suppressed(a2, "totalt")
    assert [national.value("totalt", c) for c in ("kvinna", "man", "totalt")] == [9, 6, 15]
    # A2's one woman cannot be worked back: every row and column sum with a hidden cell
    # has at least two.
    counts = ("kvinna", "man", "totalt")
    for row in national.rows:
        assert sum(national.is_suppressed(row.key, c) for c in counts) != 1, row.key
    for column in counts:
        assert sum(national.is_suppressed(r.key, column) for r in national.rows) != 1, column
    assert national.is_suppressed(a1, "kvinna")  # the complement of A2's in column kvinna
    assert national.value("totalt", "volym") == 40  # not persons with attributes: shown
