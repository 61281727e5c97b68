"""Column types that keep personal data encrypted in the database, each value bound to its row.

``EncryptedText`` and ``EncryptedJSON`` encrypt on the way in and decrypt on the way out, so the
rest of formapp reads and writes plain values. SQL can not compare or sort ciphertext (every
encryption of the same value differs), so these columns refuse every operator but IS [NOT]
NULL: a forgotten ``Person.personnummer == x`` fails loudly instead of finding nobody. Find a
person through ``person.personnummer_hmac`` (``formapp.protection.lookup``) instead.

Row binding (issue 17): the associated data of each value names its table, column and the row's
primary key (``cipher.encrypt_for_row``), so a ciphertext moved to another row or column does
not decrypt there (``MisplacedValue``). Reading: every SELECT of such a column selects
``<primary key>|<ciphertext>`` instead (``column_expression``), so the ORM's objects and the
reports' plain column queries alike decrypt against the row the value came from. Writing: the
value must say its row (``for_row``); the ORM's flush does that for every mapped object
(``protection.row_binding``), a Core statement that writes these columns must itself, and a
plain value is refused rather than written unbound.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Column, Table, Text, cast, literal, type_coerce
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnClause, ColumnElement
from sqlalchemy.types import TypeDecorator, TypeEngine

from formapp.protection.cipher import decrypt_for_row, encrypt_for_row
from formapp.protection.current import keyring

_ALLOWED = {operators.is_, operators.is_not}
# Written first when the database assigns the row's id at INSERT; the same flush replaces it
# with the value bound to that id before anything can commit (``protection.row_binding``).
PENDING = "pending$"
_ROW_SEPARATOR = "|"  # between the primary key and the ciphertext as a SELECT returns them


class EncryptionMisuse(TypeError):
    """SQL was asked to compare or sort an encrypted column, or to write one unbound."""


class BoundText(str):
    """A plain value that knows the row it is written to (None: the id comes at INSERT)."""

    row: str | None

    def __new__(cls, value: str, row: str | None) -> BoundText:
        bound = super().__new__(cls, value)
        bound.row = row
        return bound


class BoundJSON(dict[str, Any]):
    row: str | None

    def __init__(self, value: dict[str, Any], row: str | None) -> None:
        super().__init__(value)
        self.row = row


def for_row(value: Any, row: object) -> Any:
    """``value`` to be written to the row whose primary key is ``row`` (None: not yet known)."""
    key = None if row is None else str(row)
    if value is None:
        return None
    if isinstance(value, str):
        return BoundText(value, key)
    if isinstance(value, dict):
        return BoundJSON(value, key)
    raise TypeError(f"an encrypted column holds text or a JSON object, not {type(value)}")


def bind_row(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """A Core statement's row with each encrypted value bound to the row's primary key
    (``None``: the INSERT's own, which is left out; write the values again once known)."""
    if not any(is_encrypted(column) for column in table.columns):
        return row
    (key,) = table.primary_key.columns
    return {name: for_row(value, row[key.name]) if is_encrypted(table.c[name]) else value
            for name, value in row.items() if not (name == key.name and value is None)}


def unbound(value: Any) -> Any:
    """The plain value again (a copy of another row's value must be bound anew)."""
    if isinstance(value, BoundText):
        return str(value)  # an exact str
    if isinstance(value, BoundJSON):
        return dict(value)
    return value


class EncryptedText(TypeDecorator[str]):
    impl = Text
    cache_ok = True

    class Comparator(TypeDecorator.Comparator):
        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            # Column against column (never a value) stays allowed: SQLAlchemy itself compares
            # a cached statement's columns with ==, and that compares no ciphertext.
            if op not in _ALLOWED and not (other and all(
                    isinstance(o, ColumnClause) for o in other)):
                raise EncryptionMisuse(
                    f"{self.expr} is encrypted: SQL can not use {op.__name__} on it; find by "
                    "the keyed hash or filter after reading")
            return super().operate(op, *other, **kwargs)

        def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
            raise EncryptionMisuse(f"{self.expr} is encrypted: SQL can not compare it")

    comparator_factory = Comparator

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose  # table.column: bound into the ciphertext, with the row id

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, BoundText | BoundJSON):
            raise EncryptionMisuse(
                f"{self.purpose} is encrypted bound to its row: write it through the ORM, or "
                "wrap the value with formapp.protection.columns.for_row(value, row id)")
        if value.row is None:
            return PENDING
        return encrypt_for_row(keyring(), self.serialize(unbound(value)), self.purpose,
                               value.row)

    def column_expression(self, column: Any) -> Any:
        # The row's primary key travels with the value, from the same row of the same
        # (possibly aliased) table, so the value is opened as that row's.
        key = _row_key(column)
        return type_coerce(cast(key, Text) + literal(_ROW_SEPARATOR) + type_coerce(column, Text),
                           _Opened(self.purpose, isinstance(self, EncryptedJSON)))

    def serialize(self, value: Any) -> str:
        return str(value)

    def deserialize(self, text: str) -> Any:
        return text


class EncryptedJSON(EncryptedText):
    """A JSON document (answers of a form, which include the name) encrypted whole."""

    cache_ok = True

    def serialize(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def deserialize(self, text: str) -> Any:
        return json.loads(text)


class _Opened(TypeDecorator[Any]):
    """What a SELECT of an encrypted column returns: ``<row>|<ciphertext>``, opened."""

    impl = Text
    cache_ok = True

    def __init__(self, purpose: str, is_json: bool) -> None:
        super().__init__()
        self.purpose, self.is_json = purpose, is_json

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        row, _, stored = value.partition(_ROW_SEPARATOR)
        text = decrypt_for_row(keyring(), stored, self.purpose, row)
        return json.loads(text) if self.is_json else text


def _row_key(column: Any) -> ColumnElement[Any]:
    """The primary key of ``column``'s row, in the selectable the column is selected from."""
    base = next((c for c in column.proxy_set if isinstance(getattr(c, "table", None), Table)),
                None)
    selectable = getattr(column, "table", None)
    key = None
    if base is not None and selectable is not None:
        (primary,) = base.table.primary_key.columns
        key = selectable.corresponding_column(primary)
    if key is None:
        raise EncryptionMisuse(f"{column} is encrypted bound to its row: select it from its "
                               "table (or an alias of it) whose primary key comes with it")
    return key


def is_encrypted(column: Column[Any]) -> bool:
    return isinstance(column.type, EncryptedText)


def stored_type(column: Column[Any]) -> TypeEngine[Any]:
    """What the database holds for ``column``: the ciphertext's type for encrypted ones (backup
    and rotation move ciphertext as it is)."""
    return Text() if is_encrypted(column) else column.type
