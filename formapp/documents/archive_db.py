"""The database archive backend (``FORMAPP_ARCHIVE_BACKEND=database``): sealed PDFs in the
``archive_blob`` table, so that every app node on one PostgreSQL reaches every document.

A document is written in the transaction of its record, through the same session, so the
database's atomicity does what staging does on disk: a crash before the commit leaves
neither, after it both. There is nothing to stage, promote or clean up after a crash. The
table is write-once by trigger (``records.archive_blob_ddl``); a document is deleted in the
transaction that deletes its record (erasure, retention), after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from formapp.documents.archive import sha256_hex
from formapp.documents.archive_store import AtRest, Leftovers
from formapp.documents.envelope import MAGIC, Envelope, is_envelope, parse
from formapp.documents.errors import DocumentError
from formapp.extensions import db
from formapp.records.archive_blob_ddl import TRIGGER_NAMES

BLOB = sa.table("archive_blob", sa.column("sha256", sa.String), sa.column("envelope", sa.Text),
                sa.column("body", sa.LargeBinary), sa.column("stored_at", sa.DateTime))


class DatabaseArchive:
    backend = "database"

    def __init__(self, at_rest: AtRest | None = None) -> None:
        self.at_rest = at_rest or AtRest()

    def location(self, digest: str) -> str:
        return f"archive_blob {digest}"

    def _insert(self, digest: str, stored: bytes) -> None:
        """One row for ``digest`` in the current transaction (a second store is a no-op)."""
        envelope = parse(stored) if is_envelope(stored) else None
        values = {"sha256": digest, "envelope": envelope.header if envelope else None,
                  "body": envelope.body if envelope else stored,
                  "stored_at": datetime.now(UTC)}
        dialect = db.session.get_bind().dialect.name
        insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
        db.session.execute(insert(BLOB).values(values).on_conflict_do_nothing())

    def stage(self, data: bytes) -> str:
        digest = sha256_hex(data)
        if not self.exists(digest):
            self._insert(digest, self.at_rest.pack(data, digest))
        return digest

    def store(self, data: bytes) -> str:
        return self.stage(data)

    def store_at_rest(self, stored: bytes, digest: str) -> None:
        plain = self.at_rest.unpack(stored, digest)
        if sha256_hex(plain) != digest:
            raise DocumentError(f"{digest}: the bytes are another document")
        if not is_envelope(stored) and self.at_rest.encrypt:
            stored = self.at_rest.pack(plain, digest)
        self._insert(digest, stored)

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
        body = bytes(row.body)
        return Envelope(row.envelope, body).to_bytes() if row.envelope else body

    def read(self, digest: str) -> bytes:
        return self.at_rest.unpack(self.read_at_rest(digest), digest)

    def exists(self, digest: str) -> bool:
        return db.session.scalar(sa.select(sa.literal(1)).select_from(BLOB)
                                 .where(BLOB.c.sha256 == digest)) is not None

    def is_encrypted(self, digest: str) -> bool:
        return db.session.scalar(sa.select(BLOB.c.envelope.is_not(None))
                                 .where(BLOB.c.sha256 == digest)) or False

    def remove_on_commit(self, session: Session, digest: str) -> None:
        session.flush()  # the record's DELETE first: the trigger refuses it the other way
        session.execute(sa.delete(BLOB).where(BLOB.c.sha256 == digest))

    def remove(self, digest: str) -> None:
        db.session.execute(sa.delete(BLOB).where(BLOB.c.sha256 == digest))

    def digests(self) -> Iterator[str]:
        """Streamed (a decade of documents does not fit in memory as one list)."""
        result = db.session.execute(sa.select(BLOB.c.sha256).order_by(BLOB.c.sha256)
                                    .execution_options(yield_per=5000))
        for (digest,) in result:
            yield digest

    def is_empty(self) -> bool:
        return db.session.scalar(sa.select(sa.literal(1)).select_from(BLOB).limit(1)) is None

    def guard_problems(self) -> list[str]:
        """The write-once triggers are in place (someone who dropped them could have changed
        documents unseen by the database; ``verify --all`` says so)."""
        dialect = db.session.get_bind().dialect.name
        if dialect == "sqlite":
            names = set(db.session.scalars(sa.text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'archive_blob'")))
        else:
            names = set(db.session.scalars(sa.text(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgrelid = 'archive_blob'::regclass")))
        missing = sorted(TRIGGER_NAMES.get(dialect, set()) - names)
        return [f"the write-once trigger {name} on archive_blob is missing: documents could "
                "have been changed or removed without the database refusing it"
                for name in missing]

    def clear_incoming(self, min_age_seconds: float,
                       committed: Callable[[str], bool]) -> Leftovers:
        return Leftovers(0, 0)  # a transaction never leaves half a row

    def encrypt_plain(self, digest: str) -> bool:
        stored = self.read_at_rest(digest)
        if stored.startswith(MAGIC):
            return False
        if sha256_hex(stored) != digest:
            raise DocumentError(f"{self.location(digest)} no longer has the SHA-256 it is "
                                "stored under: not encrypted (run `formapp verify --all`)")
        envelope = self.at_rest.envelope(stored, digest)
        db.session.execute(sa.update(BLOB).where(BLOB.c.sha256 == digest)
                           .values(envelope=envelope.header, body=envelope.body))
        return True

    def rewrap(self, digest: str) -> bool:
        stored = self.read_at_rest(digest)
        if not is_envelope(stored):
            return False
        fresh = self.at_rest.rewrapped(parse(stored), digest)
        if fresh is None:
            return False
        db.session.execute(sa.update(BLOB).where(BLOB.c.sha256 == digest)
                           .values(envelope=fresh.header))
        return True
