"""Build a :class:`Table` from counts: declare rows, columns and which cells sum to which, and
the grid suppresses small counts (and what would give them away) and derives the percent and
mean columns from what is left."""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass, field

from formapp.reports.model import Cell, ChartSpec, Column, Row, Table
from formapp.reports.suppression import CellKey, SumGroup, is_small, suppress


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: object
    total: bool = False


@dataclass(frozen=True)
class Percent:
    """``of`` (a count column) in this row as a share of the base: the same column in row
    ``base_row``, or column ``base_column`` in this row."""

    of: str
    base_row: str | None = None
    base_column: str | None = None


@dataclass
class Grid:
    key: str
    title: object
    rows: Sequence[RowSpec]
    columns: Sequence[Column]
    values: dict[tuple[str, str], int | float] = field(default_factory=dict)
    groups: list[SumGroup] = field(default_factory=list)
    percents: dict[str, Percent] = field(default_factory=dict)
    # mean columns: the persons each mean is over, per cell, and their additive groups.
    mean_n: dict[tuple[str, str], int] = field(default_factory=dict)
    mean_groups: list[SumGroup] = field(default_factory=list)
    note: object = ""
    chart: ChartSpec | None = None

    def set(self, row: str, column: str, value: int | float) -> None:
        self.values[(row, column)] = value

    def columns_of(self, unit: str) -> list[str]:
        return [c.key for c in self.columns if c.unit == unit]

    def rows_sum(self, total: str, parts: Sequence[str],
                 columns: Sequence[str] | None = None) -> None:
        """Row ``total`` is the sum of rows ``parts`` in every count column (or ``columns``)."""
        for column in columns or self.columns_of("count"):
            self.groups.append(SumGroup((total, column), tuple((p, column) for p in parts)))

    def columns_sum(self, total: str, parts: Sequence[str],
                    rows: Sequence[str] | None = None) -> None:
        """Column ``total`` is the sum of columns ``parts`` in every row (or ``rows``)."""
        for row in rows or [r.key for r in self.rows]:
            self.groups.append(SumGroup((row, total), tuple((row, p) for p in parts)))

    def build(self, threshold: int) -> tuple[Table, int]:
        """The table, and how many cells were hidden."""
        counts = {key: int(self.values.get(key, 0)) for key in self._cells("count")}
        hidden = suppress(counts, self.groups, threshold)
        mean_hidden = suppress(self.mean_n, self.mean_groups, threshold)
        rows: list[Row] = []
        hidden_cells = 0
        for spec in self.rows:
            cells = []
            for column in self.columns:
                cell = self._cell(spec.key, column, hidden, mean_hidden, threshold)
                hidden_cells += cell.suppressed
                cells.append(cell)
            rows.append(Row(spec.key, spec.label, tuple(cells), spec.total))
        return Table(self.key, self.title, tuple(self.columns), tuple(rows), self.note,
                     self.chart), hidden_cells

    def _cells(self, unit: str) -> list[tuple[str, str]]:
        return [(r.key, c.key) for r in self.rows for c in self.columns if c.unit == unit]

    def _cell(self, row: str, column: Column, hidden: Container[CellKey],
              mean_hidden: Container[CellKey],
              threshold: int) -> Cell:
        key = (row, column.key)
        if column.unit == "count":
            return Cell(int(self.values.get(key, 0)), key in hidden)
        if column.unit == "number":
            value = self.values.get(key)
            return Cell(value)
        if column.unit == "mean":
            n = self.mean_n.get(key, 0)
            if n == 0:
                return Cell(None)
            secret = key in mean_hidden or is_small(n, threshold)
            return Cell(None if secret else self.values.get(key), secret)
        return self._percent(row, column.key, hidden)

    def _percent(self, row: str, column: str, hidden: Container[CellKey]) -> Cell:
        spec = self.percents[column]
        numerator = (row, spec.of)
        base = (spec.base_row or row, spec.base_column or spec.of)
        if numerator in hidden or base in hidden:
            return Cell(None, True)
        denominator = self.values.get(base, 0)
        if not denominator:
            return Cell(None)
        return Cell(100.0 * self.values.get(numerator, 0) / denominator)
