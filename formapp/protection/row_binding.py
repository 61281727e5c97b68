"""The ORM's half of row binding: every encrypted value a flush writes is bound to its row.

Before an INSERT or UPDATE the flush's values of encrypted columns are wrapped with the row's
primary key (``columns.for_row``), so the column type encrypts them for that row. The consent's
id is a UUID made before the INSERT; the other tables' ids are assigned by the database at the
INSERT. For those the INSERT writes a placeholder and, as soon as the id is known (still in the
same flush, so in the same transaction), an UPDATE writes the value bound to it: nothing
unbound can commit, and nothing about the ids changes. The alternatives were worse: ids made
by the client would change every table's key and foreign keys, reading ``max(id) + 1`` before
the INSERT races between workers on SQLite (which has no sequences), and binding to some other
column (a draft's token, a registration's consent) would leave the person, the table whose
personnummer matters most, without one. The cost is one UPDATE per new row of a table with
encrypted columns.

After the statement the object's attributes hold the plain values again, so a value copied
from one object to another is bound anew to the other row.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Mapper

from formapp.extensions import Model, listen_once
from formapp.protection.columns import BoundJSON, BoundText, for_row, is_encrypted, unbound


# Process-wide: a pure function of the mapped class (its columns never change).
@cache
def _encrypted(mapper: Mapper[Any]) -> tuple[tuple[str, sa.Column[Any]], ...]:
    return tuple((prop.key, column) for prop in mapper.column_attrs
                 for column in prop.columns
                 if isinstance(column, sa.Column) and is_encrypted(column))


def _row_id(mapper: Mapper[Any], target: object) -> Any:
    (key,) = mapper.primary_key
    return getattr(target, mapper.get_property_by_column(key).key)


def _bind(mapper: Mapper[Any], target: object, *, inserting: bool) -> None:
    if not _encrypted(mapper):
        return
    state = sa.inspect(target)
    values = state.dict
    row = _row_id(mapper, target)
    for key, column in _encrypted(mapper):
        default = column.default
        if inserting and key not in values and isinstance(default, sa.ColumnDefault) \
                and default.is_scalar:
            values[key] = default.arg  # the INSERT would add it unbound otherwise
        if values.get(key) is None:
            continue
        # An UPDATE writes only what changed (the ORM compares with the committed state).
        if inserting or key in state.committed_state:
            values[key] = for_row(unbound(values[key]), row)


def _before_insert(mapper: Mapper[Any], _connection: sa.Connection, target: object) -> None:
    _bind(mapper, target, inserting=True)


def _before_update(mapper: Mapper[Any], _connection: sa.Connection, target: object) -> None:
    _bind(mapper, target, inserting=False)


def _after_write(mapper: Mapper[Any], connection: sa.Connection, target: object) -> None:
    """The row has its id now: write what waited for it, and give the object plain values."""
    if not _encrypted(mapper):
        return
    values = sa.inspect(target).dict
    row = _row_id(mapper, target)
    waiting = {}
    for key, column in _encrypted(mapper):
        value = values.get(key)
        if isinstance(value, BoundText | BoundJSON):
            if value.row is None:
                waiting[column] = for_row(unbound(value), row)
            values[key] = unbound(value)
    if waiting:
        table = mapper.local_table
        assert isinstance(table, sa.Table), "every encrypted column is in a mapped Table"
        (primary,) = table.primary_key.columns
        connection.execute(sa.update(table).where(primary == row).values(waiting))


def init_app(_app: Flask) -> None:
    """Bind the encrypted values of every model (``Model`` and its subclasses)."""
    bind_rows(Model)


def bind_rows(base: type) -> None:
    """Bind the encrypted values of every mapped class of ``base`` (once per process)."""
    for name, listener in (("before_insert", _before_insert), ("before_update", _before_update),
                           ("after_insert", _after_write), ("after_update", _after_write)):
        listen_once(base, name, listener, propagate=True)
