"""Every encrypted value checked against its row: part of ``formapp verify --all``.

Reads the ciphertext as stored (never through the column types) with each row's primary key,
and opens it as that row's value of that column. A value that does not open (moved from
another row or column, changed, written without row binding, or under a key no longer
configured) is named by table, column and row id, never by content.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from formapp.protection.cipher import DecryptionError, decrypt_for_row
from formapp.protection.keyring import Keyring, MissingKeyError
from formapp.protection.lookup import PERSONNUMMER
from formapp.protection.rotation import encrypted_columns

BATCH = 1000


@dataclass
class ValueCheck:
    checked: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (where, why)


def _values(session: Session, table: sa.Table, column: sa.Column, *also: sa.Column,
            ) -> Iterator[tuple[Any, ...]]:
    """(row id, stored value, *also) of every non-NULL value, in batches by primary key."""
    (key,) = table.primary_key.columns
    raw = sa.type_coerce(column, sa.Text())
    last = None
    while True:
        query = sa.select(key, raw, *also).where(column.is_not(None)).order_by(key).limit(BATCH)
        if last is not None:
            query = query.where(key > last)
        rows = session.execute(query).all()
        if not rows:
            return
        yield from (tuple(row) for row in rows)
        last = rows[-1][0]


def check_encrypted_values(session: Session, ring: Keyring, metadata: sa.MetaData,
                           ) -> ValueCheck:
    report = ValueCheck()
    for table, column in encrypted_columns(metadata):
        purpose = column.type.purpose  # type: ignore[attr-defined]
        lookup = (table.c.personnummer_hmac,) if purpose == "person.personnummer" else ()
        for row_id, stored, *hashed in _values(session, table, column, *lookup):
            report.checked += 1
            try:
                plain = decrypt_for_row(ring, str(stored), purpose, row_id)
            except MissingKeyError as exc:
                report.problems.append((f"{purpose} row {row_id}", str(exc)))
                continue
            except DecryptionError as exc:
                report.problems.append((f"{purpose} row {row_id}",
                                        getattr(exc, "why", str(exc))))
                continue
            if hashed and not _hash_matches(ring, plain, str(hashed[0])):
                # The keyed hash finds the person: one pointing at another row's number
                # would send that person's next consent or registration to this row.
                report.problems.append((f"person.personnummer_hmac row {row_id}",
                                        "is not the lookup hash of the row's personnummer"))
    return report


def _hash_matches(ring: Keyring, digits: str, stored: str) -> bool:
    return any(hmac.compare_digest(stored, candidate)
               for candidate in ring.lookup_hashes(PERSONNUMMER, digits))
