"""The database archive backend (``FORMAPP_ARCHIVE_BACKEND=database``): sealed PDFs in the
``archive_blob`` table, so that every app node on one PostgreSQL reaches every document.

A document is written in the transaction of its record, through the same session, so the
database's atomicity does what staging does on disk: a crash before the commit leaves
neither, after it both. There is nothing to stage, promote or clean up after a crash. The
table is write-once by trigger (``documents.archive_blob_ddl``); a document is deleted in the
transaction that deletes its record (erasure, retention), after it.

A document's renewals (long-term proof) are rows of ``archive_tail``, keyed by the document's
SHA-256 and their number, written in the renewal's transaction and write-once by the same
rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from formapp.documents.archive import sha256_hex
from formapp.documents.archive_blob_ddl import TABLES, TRIGGER_NAMES
from formapp.documents.archive_store import AtRest, Leftovers, tail_name, tail_of
from formapp.documents.envelope import MAGIC, Envelope, is_envelope, parse
from formapp.documents.errors import DocumentError
from formapp.extensions import db

BLOB = sa.table("archive_blob", sa.column("sha256", sa.String), sa.column("envelope", sa.Text),
                sa.column("body", sa.LargeBinary), sa.column("stored_at", sa.DateTime))
TAIL = sa.table("archive_tail", sa.column("sha256", sa.String), sa.column("n", sa.Integer),
                sa.column("envelope", sa.Text), sa.column("body", sa.LargeBinary),
                sa.column("stored_at", sa.DateTime))


def _columns(stored: bytes) -> dict[str, object]:
    """``envelope`` and ``body`` of a row holding ``stored``."""
    envelope = parse(stored) if is_envelope(stored) else None
    return {"envelope": envelope.header if envelope else None,
            "body": envelope.body if envelope else stored, "stored_at": datetime.now(UTC)}


def _at_rest(row: sa.Row) -> bytes:
    body = bytes(row.body)
    return Envelope(row.envelope, body).to_bytes() if row.envelope else body


def _insert_once(table: sa.TableClause, values: dict[str, object]) -> None:
    """One row in the current transaction; a second one for the same key is a no-op."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(postgresql.insert(table).values(values).on_conflict_do_nothing())
    else:
        db.session.execute(sqlite.insert(table).values(values).on_conflict_do_nothing())


class DatabaseArchive:
    backend = "database"

    def __init__(self, at_rest: AtRest | None = None) -> None:
        self.at_rest = at_rest or AtRest()

    def location(self, digest: str) -> str:
        return f"archive_blob {digest}"

    def _insert(self, digest: str, stored: bytes) -> None:
        """One row for ``digest`` in the current transaction (a second store is a no-op)."""
        _insert_once(BLOB, {"sha256": digest, **_columns(stored)})

    def stage(self, data: bytes) -> str:
        digest = sha256_hex(data)
        if not self.exists(digest):
            self._insert(digest, self.at_rest.pack(data, digest))
        return digest

    def store(self, data: bytes) -> str:
        return self.stage(data)

    def store_at_rest(self, stored: bytes, digest: str) -> None:
        self._insert(digest, self.at_rest.restorable(stored, digest))

    def promote(self, digest: str) -> None:
        """Committed with its record already."""

    def discard(self, digest: str) -> None:
        """Rolled back with its record already."""

    def staged(self) -> Iterator[tuple[str, float]]:
        return iter(())

    def _row(self, digest: str) -> sa.Row | None:
        return db.session.execute(sa.select(BLOB.c.envelope, BLOB.c.body)
                                  .where(BLOB.c.sha256 == digest)).first()

    def read_at_rest(self, digest: str) -> bytes:
        row = self._row(digest)
        if row is None:
            raise DocumentError(f"document {digest} is not in the archive")
        return _at_rest(row)

    def read(self, digest: str) -> bytes:
        first = self.at_rest.unpack(self.read_at_rest(digest), digest)
        return first + b"".join(self.at_rest.unpack_part(_at_rest(row))
                                for row in self._tail_rows(digest))

    # Renewals (long-term proof): write-once rows of archive_tail.

    def _tail_rows(self, digest: str) -> list[sa.Row]:
        return list(db.session.execute(
            sa.select(TAIL.c.n, TAIL.c.envelope, TAIL.c.body)
            .where(TAIL.c.sha256 == digest).order_by(TAIL.c.n)))

    def tail_names(self, digest: str) -> list[str]:
        numbers: list[int] = list(db.session.scalars(
            sa.select(TAIL.c.n).where(TAIL.c.sha256 == digest).order_by(TAIL.c.n)))
        return [tail_name(digest, n) for n in numbers]

    def stage_tail(self, digest: str, tail: bytes) -> str:
        last = db.session.scalar(sa.select(sa.func.max(TAIL.c.n))
                                 .where(TAIL.c.sha256 == digest)) or 0
        _insert_once(TAIL, {"sha256": digest, "n": last + 1,
                            **_columns(self.at_rest.pack_part(tail))})
        return tail_name(digest, last + 1)

    def promote_tail(self, name: str) -> None:
        """Committed with its record already."""

    def discard_tail(self, name: str) -> None:
        """Rolled back with its record already."""

    def staged_tails(self) -> Iterator[tuple[str, float]]:
        return iter(())

    def read_staged_tail(self, name: str) -> bytes:
        raise DocumentError(f"renewal {name} is not staged (the database stages nothing)")

    def read_tail_at_rest(self, name: str) -> bytes:
        digest, n = tail_of(name)
        row = db.session.execute(sa.select(TAIL.c.envelope, TAIL.c.body)
                                 .where(TAIL.c.sha256 == digest, TAIL.c.n == n)).first()
        if row is None:
            raise DocumentError(f"renewal {name} is not in the archive")
        return _at_rest(row)

    def restore_tail(self, name: str, stored: bytes) -> None:
        digest, n = tail_of(name)
        _insert_once(TAIL, {"sha256": digest, "n": n,
                            **_columns(self.at_rest.restorable_part(stored))})

    def exists(self, digest: str) -> bool:
        return db.session.scalar(sa.select(sa.literal(1)).select_from(BLOB)
                                 .where(BLOB.c.sha256 == digest)) is not None

    def is_encrypted(self, digest: str) -> bool:
        """The document and each of its renewals."""
        if not db.session.scalar(sa.select(BLOB.c.envelope.is_not(None))
                                 .where(BLOB.c.sha256 == digest)):
            return False
        return db.session.scalar(sa.select(sa.literal(1)).select_from(TAIL).where(
            TAIL.c.sha256 == digest, TAIL.c.envelope.is_(None)).limit(1)) is None

    def remove_on_commit(self, session: Session, digest: str) -> None:
        session.flush()  # the record's DELETE first: the triggers refuse it the other way
        session.execute(sa.delete(TAIL).where(TAIL.c.sha256 == digest))
        session.execute(sa.delete(BLOB).where(BLOB.c.sha256 == digest))

    def remove(self, digest: str) -> None:
        db.session.execute(sa.delete(TAIL).where(TAIL.c.sha256 == digest))
        db.session.execute(sa.delete(BLOB).where(BLOB.c.sha256 == digest))

    def digests(self) -> Iterator[str]:
        """Streamed (a decade of documents does not fit in memory as one list)."""
        result = db.session.execute(sa.select(BLOB.c.sha256).order_by(BLOB.c.sha256)
                                    .execution_options(yield_per=5000))
        for (digest,) in result:
            yield str(digest)

    def is_empty(self) -> bool:
        return db.session.scalar(sa.select(sa.literal(1)).select_from(BLOB).limit(1)) is None

    def guard_problems(self) -> list[str]:
        """The write-once triggers are in place (someone who dropped them could have changed
        documents unseen by the database; ``verify --all`` says so)."""
        dialect = db.session.get_bind().dialect.name
        names: set[str] = set()
        for table in TABLES:
            if dialect == "sqlite":
                names |= set(db.session.scalars(sa.text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                    "AND tbl_name = :table"), {"table": table}))
            else:
                # The table by name at run time: a ``'name'::regclass`` is an OID fixed when
                # the statement is prepared (psycopg prepares repeated ones), and a table
                # created again since has another.
                names |= set(db.session.scalars(sa.text(
                    "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE NOT t.tgisinternal AND c.relname = :table "
                    "AND pg_table_is_visible(c.oid)"), {"table": table}))
        missing = sorted(TRIGGER_NAMES.get(dialect, set()) - names)
        return [f"the write-once trigger {name} on {name.rsplit('_', 2)[0]} is missing: "
                "documents could have been changed or removed without the database refusing it"
                for name in missing]

    def clear_incoming(self, min_age_seconds: float,
                       committed: Callable[[str], bool]) -> Leftovers:
        return Leftovers(0, 0)  # a transaction never leaves half a row

    def encrypt_plain(self, digest: str) -> bool:
        """The document and its renewals, each that is still plain."""
        changed = False
        stored = self.read_at_rest(digest)
        if not stored.startswith(MAGIC):
            if sha256_hex(stored) != digest:
                raise DocumentError(f"{self.location(digest)} no longer has the SHA-256 it is "
                                    "stored under: not encrypted (run `formapp verify --all`)")
            envelope = self.at_rest.envelope(stored, digest)
            db.session.execute(sa.update(BLOB).where(BLOB.c.sha256 == digest)
                               .values(envelope=envelope.header, body=envelope.body))
            changed = True
        for row in self._tail_rows(digest):
            if row.envelope is None:
                sealed = parse(self.at_rest.pack_part(bytes(row.body), encrypt=True))
                db.session.execute(sa.update(TAIL)
                                   .where(TAIL.c.sha256 == digest, TAIL.c.n == row.n)
                                   .values(envelope=sealed.header, body=sealed.body))
                changed = True
        return changed

    def rewrap(self, digest: str) -> bool:
        """The document's key and its renewals' keys, each not under the current data key."""
        changed = False
        stored = self.read_at_rest(digest)
        if is_envelope(stored):
            fresh = self.at_rest.rewrapped(parse(stored), digest)
            if fresh is not None:
                db.session.execute(sa.update(BLOB).where(BLOB.c.sha256 == digest)
                                   .values(envelope=fresh.header))
                changed = True
        for row in self._tail_rows(digest):
            if row.envelope is None:
                continue
            envelope = Envelope(row.envelope, bytes(row.body))
            fresh = self.at_rest.rewrapped(envelope, envelope.sha256)
            if fresh is not None:
                db.session.execute(sa.update(TAIL)
                                   .where(TAIL.c.sha256 == digest, TAIL.c.n == row.n)
                                   .values(envelope=fresh.header))
                changed = True
        return changed
