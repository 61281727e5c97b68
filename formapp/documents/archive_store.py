"""What every archive backend offers (README: Archive), and the encryption they share.

The archive holds sealed PDFs under their SHA-256, write-once. Two backends:

* ``local`` (``documents.archive.Archive``): files under ``<data dir>/archive``; one machine.
* ``database`` (``documents.archive_db.DatabaseArchive``): the ``archive_blob`` table, which
  every app node on the same PostgreSQL reaches; triggers keep it write-once.

A backend stores bytes *at rest*: the plain sealed PDF, or (``FORMAPP_ARCHIVE_ENCRYPTION``) an
envelope (``documents.envelope``). Reading accepts both, so an archive written before
encryption was turned on keeps working, and ``formapp archive encrypt`` converts it.

A document joins the archive with the transaction of its record (``stage`` and
``evidence.track_new_file``) and leaves it with the deletion of its record
(``remove_on_commit``): a committed record has its document, and no document stays without one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from formapp.documents.envelope import (
    Envelope,
    EnvelopeError,
    is_envelope,
    open_envelope,
    parse,
    rewrap,
    seal,
)
from formapp.protection.keyring import Keyring

BACKENDS = ("local", "database")


@dataclass(frozen=True)
class Leftovers:
    completed: int  # whole files whose record committed, now in the archive
    removed: int  # partial files, or files whose record never committed


class AtRest:
    """How documents are kept at rest: plain, or envelopes under the data keys."""

    def __init__(self, encrypt: bool = False,
                 keyring: Callable[[], Keyring] | None = None) -> None:
        if encrypt and keyring is None:
            raise ValueError("encryption at rest needs the data keys")
        self.encrypt = encrypt
        self._keyring = keyring

    def keyring(self) -> Keyring:
        if self._keyring is None:
            raise EnvelopeError("an encrypted document, and no data keys to open it")
        return self._keyring()

    def pack(self, plain: bytes, digest: str) -> bytes:
        """What is stored for ``plain``: an envelope when encryption is on."""
        return seal(self.keyring(), plain, digest).to_bytes() if self.encrypt else plain

    def envelope(self, plain: bytes, digest: str) -> Envelope:
        return seal(self.keyring(), plain, digest)

    def unpack(self, stored: bytes, digest: str) -> bytes:
        """The plain sealed PDF from what is stored (EnvelopeError if it does not open)."""
        if is_envelope(stored):
            return open_envelope(self.keyring(), parse(stored), digest)
        return stored

    def rewrapped(self, envelope: Envelope, digest: str) -> Envelope | None:
        """``envelope`` under the current data key, or None when it is already."""
        ring = self.keyring()
        if envelope.key_id == ring.data_key_id:
            return None
        return rewrap(ring, envelope, digest)


class ArchiveStore(Protocol):
    """The archive's operations; ``digest`` is always the SHA-256 (hex) of the plain PDF."""

    backend: str
    at_rest: AtRest

    def stage(self, data: bytes) -> str:
        """Store ``data`` for the current transaction; promoted or discarded with it."""

    def promote(self, digest: str) -> None:
        """The transaction committed (after commit)."""

    def discard(self, digest: str) -> None:
        """The transaction rolled back (after rollback)."""

    def staged(self) -> Iterator[tuple[str, float]]:
        """(digest, modification time) of staged documents a crash may have left."""

    def store(self, data: bytes) -> str:
        """Store ``data`` now, outside a record's transaction (restore, bench)."""

    def store_at_rest(self, stored: bytes, digest: str) -> None:
        """Put back bytes as ``read_at_rest`` gave them (restore); checked to open first."""

    def read(self, digest: str) -> bytes:
        """The plain sealed PDF (DocumentError when missing or when it does not open)."""

    def read_at_rest(self, digest: str) -> bytes:
        """The bytes as stored (an envelope stays encrypted: what a backup copies)."""

    def exists(self, digest: str) -> bool: ...

    def is_encrypted(self, digest: str) -> bool: ...

    def remove_on_commit(self, session: Session, digest: str) -> None:
        """Erasure and retention: the record is deleted in ``session``; the document goes
        with it, once that commits (never before, never without)."""

    def remove(self, digest: str) -> None: ...

    def digests(self) -> Iterator[str]:
        """Every stored document's digest."""

    def location(self, digest: str) -> str:
        """Where the document is, for a report."""

    def clear_incoming(self, min_age_seconds: float,
                       committed: Callable[[str], bool]) -> Leftovers:
        """Half-written documents a crash left: completed when ``committed`` says their
        record exists, removed otherwise."""

    def encrypt_plain(self, digest: str) -> bool:
        """Replace a plain document by its envelope; False when it is one already."""

    def rewrap(self, digest: str) -> bool:
        """Re-wrap an envelope's key under the current data key; False when nothing to do."""

    def is_empty(self) -> bool: ...

    def guard_problems(self) -> list[str]:
        """What is missing of the backend's own write-once protection."""


# Session.info key: (archive, digest) pairs to remove once the session commits (local files).
DOOMED = "formapp.doomed_files"
