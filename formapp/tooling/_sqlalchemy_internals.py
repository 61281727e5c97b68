"""The one place formapp goes around SQLAlchemy's statements: values bound by hand for COPY.

The synthetic data's COPY path (``tooling.synthetic``, PostgreSQL only) writes rows straight
to psycopg's ``cursor.copy``, so no statement binds them. It relies on what SQLAlchemy does
not promise: that a column type's dialect implementation and its bind processor, asked for
outside a statement, give the very value an INSERT would send the driver (the encrypted
personnummer and name of ``protection.columns`` included), and that a plain JSON column's
processor only wraps the value for psycopg (so COPY, which takes text, gets ``json.dumps``
instead).

Checked against SQLAlchemy 2.1.9 with psycopg 3 (pyproject.toml allows ``>=2.0.30,<2.2``).
It used to call the private ``TypeEngine._cached_bind_processor``; it now asks the documented
``dialect_impl`` and ``bind_processor``, which the private method only memoizes.
tests/tooling/test_sqlalchemy_contract.py holds the contract: after an upgrade, it fails,
naming this contact, before a bulk load writes a value an INSERT would not.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import sqltypes

Processor = Callable[[Any], Any]


def bind_processor(column_type: sqltypes.TypeEngine[Any], dialect: Dialect
                   ) -> Processor | None:
    """What ``dialect`` does to a value of ``column_type`` before the driver gets it (None:
    nothing)."""
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def copy_values(table: Table, names: Sequence[str], dialect: Dialect
                ) -> Callable[[Mapping[str, Any]], list[Any]]:
    """A row of ``table`` (by column name) to COPY's values, in the order of ``names``."""
    steps: list[tuple[str, Processor | None, bool]] = []
    for name in names:
        column_type = table.c[name].type
        is_json = isinstance(column_type, sqltypes.JSON)  # an encrypted JSON is no JSON type
        steps.append((name, None if is_json else bind_processor(column_type, dialect),
                      is_json))

    def values(row: Mapping[str, Any]) -> list[Any]:
        found = []
        for name, process, is_json in steps:
            value = row[name]
            if is_json:
                value = None if value is None else json.dumps(value, ensure_ascii=False)
            elif process is not None:
                value = process(value)
            found.append(value)
        return found

    return values
