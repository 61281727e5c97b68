"""Cleaned form values (``formapp.definitions.check``) as they are stored.

Two representations: the whole answer set as JSON (what the PDF showed, what a rättelse starts
from; it is valid *raw* input to ``check`` again), and the report columns of the
"försörjning och sysselsättning" block (``forms/common/support_block.toml``) on a
registration. Only this module knows which block field goes to which column; which other
answer goes to which column, ``formapp.cases.registration`` alone knows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import cast

from formapp.definitions.model import YES
from formapp.domain.personnummer import Personnummer
from formapp.records.models import SUPPORT_BITS

# Block fields kept as columns "<name><suffix>"; forsorjning goes to registration_support.
BLOCK_COLUMNS = ("aktivt_arbetssokande", "arbetar", "arbete_procent", "arbete_typ", "studerar",
                 "studie_procent")
YES_NO_FIELDS = frozenset({"aktivt_arbetssokande", "arbetar", "studerar"})
SUPPORT_FIELD = "forsorjning"
# Identity lives on the person, not in the stored answers.
NOT_STORED = frozenset({"personnummer"})


def to_json(values: Mapping[str, object]) -> dict[str, object]:
    """The cleaned values as JSON-safe data (dates ISO, tuples as lists)."""
    result: dict[str, object] = {}
    for name, value in values.items():
        if name in NOT_STORED:
            continue
        if isinstance(value, Personnummer):
            value = value.formatted
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        result[name] = value
    return result


def block_columns(values: Mapping[str, object], *, measurement: str
                  ) -> tuple[dict[str, object], list[str]]:
    """The block's report columns (suffix ``_fore``/``_efter``, the support bits included) and
    its support kinds, for ``measurement``. A question not asked becomes NULL."""
    suffix = f"_{measurement}"
    columns: dict[str, object] = {}
    for base in BLOCK_COLUMNS:
        value = values.get(base + suffix)
        if base in YES_NO_FIELDS and value is not None:
            value = value == YES
        columns[base + suffix] = value
    # A multi-choice field's cleaned value: its codes.
    chosen = [str(kind) for kind in cast(Iterable[str], values.get(SUPPORT_FIELD + suffix) or ())]
    columns[f"{SUPPORT_FIELD}{suffix}_bits"] = support_bits(chosen)
    return columns, chosen


def support_bits(kinds: Iterable[object]) -> int:
    """The kinds as ``SUPPORT_BITS`` (the same choice as the support rows, for the reports)."""
    bits = 0
    for kind in kinds:
        bits |= SUPPORT_BITS[str(kind)]
    return bits
