"""Small counts must not identify anyone (seeds/000 on the small IT track; DESIGN.md §5).

Primary suppression hides every person count from 1 to ``threshold - 1``. Secondary
(complementary) suppression then hides more cells so that no hidden cell can be worked back
from a total: in every additive group (a total and the parts it sums) where exactly one cell is
hidden, one more is hidden: the smallest non-zero visible part, else the total, else a zero
part. This repeats until no group has a single hidden cell, because hiding a cell can expose
another group it belongs to.

Zero is shown: it says no one has the attribute, which identifies no person, and hiding zeros
would blank most of a small förbund's tables. Percent and mean cells derived from a hidden
count are hidden with it (``builders``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CellKey = Hashable
DEFAULT_THRESHOLD = 5


@dataclass(frozen=True)
class SumGroup:
    """``total`` is the sum of ``parts``: knowing all but one of them gives away the last."""

    total: CellKey
    parts: tuple[CellKey, ...]

    @property
    def cells(self) -> tuple[CellKey, ...]:
        return (self.total, *self.parts)


def is_small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


# ``values``: Mapping[Any, …], as a mapping's key type is invariant: a dict keyed by (row,
# column) tuples is not a Mapping[Hashable, int] to mypy, though every key is a CellKey.
def suppress(values: Mapping[Any, int], groups: Sequence[SumGroup], threshold: int,
             protected: Iterable[CellKey] | None = None) -> set[CellKey]:
    """The cells to hide. ``protected``: the cells that count persons (default: all); other
    cells (e.g. numbers of insatser) are never hidden and never hide anything."""
    persons = set(values if protected is None else protected)
    hidden = {key for key in persons if is_small(values[key], threshold)}
    # Only groups made of person counts take part: a sum with a non-person cell is not one.
    relevant = [g for g in groups if all(c in persons for c in g.cells)]
    changed = True
    while changed:
        changed = False
        for group in relevant:
            if sum(cell in hidden for cell in group.cells) != 1:
                continue
            pick = _complement(group, values, hidden)
            if pick is not None:
                hidden.add(pick)
                changed = True
    return hidden


def _complement(group: SumGroup, values: Mapping[CellKey, int],
                hidden: set[CellKey]) -> CellKey | None:
    visible_parts = [c for c in group.parts if c not in hidden]
    nonzero = [c for c in visible_parts if values[c] > 0]
    if nonzero:
        return min(nonzero, key=lambda c: values[c])
    if group.total not in hidden:
        return group.total
    return visible_parts[0] if visible_parts else None
