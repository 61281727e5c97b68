"""Column types that keep personal data encrypted in the database.

``EncryptedText`` and ``EncryptedJSON`` encrypt on the way in and decrypt on the way out, so the
rest of formapp reads and writes plain values. SQL can not compare or sort ciphertext (every
encryption of the same value differs), so these columns refuse every operator but IS [NOT]
NULL: a forgotten ``Person.personnummer == x`` fails loudly instead of finding nobody. Find a
person through ``person.personnummer_hmac`` (``formapp.protection.lookup``) instead.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Column, Text
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.types import TypeDecorator, TypeEngine

from formapp.protection.cipher import decrypt, encrypt
from formapp.protection.current import keyring

_ALLOWED = {operators.is_, operators.is_not}


class EncryptionMisuse(TypeError):
    """SQL was asked to compare or sort an encrypted column."""


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
        self.purpose = purpose  # table.column: bound into the ciphertext

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return encrypt(keyring(), self.serialize(value), self.purpose)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        return self.deserialize(decrypt(keyring(), value, self.purpose))

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


def is_encrypted(column: Column[Any]) -> bool:
    return isinstance(column.type, EncryptedText)


def stored_type(column: Column[Any]) -> TypeEngine[Any]:
    """What the database holds for ``column``: the ciphertext's type for encrypted ones (backup
    and rotation move ciphertext as it is)."""
    return Text() if is_encrypted(column) else column.type
