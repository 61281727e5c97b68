"""The shape of a report: tables of rows and columns, ready for a page, Excel, SVG and PNG.

Labels are lazy strings (rendered in the reader's language). A cell is a value or, when small
counts must not be shown (``suppression``), marked suppressed and shown as "–" everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# count: persons (suppressed when small); number: not persons (insatser), never suppressed;
# percent: a share derived from counts; mean: a mean over persons (hidden when they are few).
Unit = Literal["count", "number", "percent", "mean"]

SUPPRESSED_MARK = "–"


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    unit: Unit = "count"


@dataclass(frozen=True)
class Cell:
    value: int | float | None
    suppressed: bool = False

    def display(self) -> str:
        """The cell as the page shows it: "–" for suppressed, "" for not applicable."""
        if self.suppressed:
            return SUPPRESSED_MARK
        if self.value is None:
            return ""
        if isinstance(self.value, float):
            return f"{self.value:.0f}"
        return str(self.value)


@dataclass(frozen=True)
class Row:
    key: str
    label: object
    cells: tuple[Cell, ...]
    total: bool = False  # a totals or base row, shown apart

    def cell(self, index: int) -> Cell:
        return self.cells[index]


@dataclass(frozen=True)
class ChartSpec:
    """Which columns of a table a chart shows, as bar series over its (non-total) rows."""

    columns: tuple[str, ...]
    unit: Unit = "count"


@dataclass(frozen=True)
class Table:
    key: str
    title: object
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    note: object = ""
    chart: ChartSpec | None = None

    def column_index(self, key: str) -> int:
        return next(i for i, column in enumerate(self.columns) if column.key == key)

    def row(self, key: str) -> Row:
        return next(row for row in self.rows if row.key == key)

    def value(self, row: str, column: str) -> int | float | None:
        """The shown value (None when suppressed): what tests and charts read."""
        cell = self.row(row).cells[self.column_index(column)]
        return None if cell.suppressed else cell.value

    def is_suppressed(self, row: str, column: str) -> bool:
        return self.row(row).cells[self.column_index(column)].suppressed


@dataclass(frozen=True)
class Report:
    id: str
    title: object
    description: object
    tables: tuple[Table, ...]
    threshold: int
    suppressed_cells: int = 0
    scope: dict[str, str] = field(default_factory=dict)  # the filters, as labels, for exports

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)
