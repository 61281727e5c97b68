"""``formapp rotate-key``: every encrypted value under the current data key, every keyed hash
under the current lookup key.

Works in batches, each committed: an interrupted rotation is resumed by running it again (a
value already under the current key is skipped), and the app keeps working meanwhile because
reading accepts every configured key and lookups try every lookup key. Values are moved as
ciphertext through raw columns, so nothing but this module sees them decrypted.

Each value is opened as the value of its own row and written bound to that row again
(``cipher.encrypt_for_row``). A value that does not open there (moved from another row,
changed, or without row binding) stops the rotation with its table, column and row: re-
encrypting it would make a misplaced value look like the row's own (``formapp verify --all``
lists them all). Values written before row binding are upgraded by migration 0019, the one
place they are trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from formapp.protection.cipher import BOUND_PREFIX, decrypt_for_row, encrypt_for_row, key_id_of
from formapp.protection.columns import is_encrypted
from formapp.protection.current import forget_unused_keys, record_current_keys
from formapp.protection.keyring import Keyring
from formapp.protection.lookup import PERSONNUMMER

BATCH = 500


@dataclass
class RotationReport:
    data_key_id: str
    lookup_key_id: str
    reencrypted: dict[str, int] = field(default_factory=dict)  # "table.column" -> values
    rehashed: int = 0  # person lookup hashes recomputed
    still_used: set[str] = field(default_factory=set)  # data keys found before rotating

    @property
    def total(self) -> int:
        return sum(self.reencrypted.values())


def encrypted_columns(metadata: sa.MetaData) -> Iterator[tuple[sa.Table, sa.Column]]:
    for table in metadata.sorted_tables:
        for column in table.columns:
            if is_encrypted(column):
                yield table, column


def _raw(column: sa.Column) -> sa.ColumnElement[str]:
    return sa.type_coerce(column, sa.Text())


def _single_key(table: sa.Table) -> sa.Column:
    (key,) = table.primary_key.columns
    return key


def _reencrypt_column(session: Session, ring: Keyring, table: sa.Table, column: sa.Column,
                      report: RotationReport, batch: int, commit: Callable[[], None]) -> None:
    purpose = column.type.purpose  # type: ignore[attr-defined]
    key, raw = _single_key(table), _raw(column)
    done = 0
    while True:
        # Rows still under another key; each batch leaves this set, so the loop ends.
        current = f"{BOUND_PREFIX}{ring.data_key_id}:"
        rows = session.execute(sa.select(key, raw).where(
            column.is_not(None), sa.not_(raw.startswith(current, autoescape=True)))
            .order_by(key).limit(batch)).tuples().all()
        if not rows:
            break
        for row_id, stored in rows:
            report.still_used.add(key_id_of(stored))
            fresh = encrypt_for_row(ring, decrypt_for_row(ring, stored, purpose, row_id),
                                    purpose, row_id)
            session.execute(sa.update(table).where(key == row_id).values(
                {column.name: sa.literal(fresh, sa.Text())}))
        done += len(rows)
        commit()
    report.reencrypted[purpose] = done


def _rehash_people(session: Session, ring: Keyring, person: sa.Table, report: RotationReport,
                   batch: int, commit: Callable[[], None]) -> None:
    last = 0
    column = person.c.personnummer
    while True:
        rows = session.execute(sa.select(person.c.id, _raw(column), person.c.personnummer_hmac)
                               .where(person.c.id > last).order_by(person.c.id)
                               .limit(batch)).tuples().all()
        if not rows:
            break
        for row_id, stored, current in rows:
            digits = decrypt_for_row(ring, stored,
                                     column.type.purpose, row_id)  # type: ignore[attr-defined]
            wanted = ring.lookup_hash(PERSONNUMMER, digits)
            if wanted != current:
                session.execute(sa.update(person).where(person.c.id == row_id)
                                .values(personnummer_hmac=wanted))
                report.rehashed += 1
        last = rows[-1][0]
        commit()


def rotate(session: Session, ring: Keyring, metadata: sa.MetaData, *, batch: int = BATCH,
           ) -> RotationReport:
    """Re-encrypt and re-hash everything under ``ring``'s current keys; commits per batch."""
    report = RotationReport(ring.data_key_id, ring.lookup_key_id)
    for table, column in encrypted_columns(metadata):
        _reencrypt_column(session, ring, table, column, report, batch, session.commit)
    _rehash_people(session, ring, metadata.tables["person"], report, batch, session.commit)
    record_current_keys(session, ring)
    forget_unused_keys(session, ring)
    session.commit()
    return report
