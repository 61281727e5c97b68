"""What every archive backend offers (README: Archive), and the encryption they share.

The archive holds sealed PDFs under their SHA-256, write-once. Three backends:

* ``local`` (``documents.archive.Archive``): files under ``<data dir>/archive``; one machine.
* ``database`` (``documents.archive_db.DatabaseArchive``): the ``archive_blob`` table, which
  every app node on the same PostgreSQL reaches; triggers keep it write-once.
* ``s3`` (``documents.archive_s3.S3Archive``): objects in an S3-compatible store, which every
  app node reaches; the store's Object Lock keeps them write-once.

A backend stores bytes *at rest*: the plain sealed PDF, or (``FORMAPP_ARCHIVE_ENCRYPTION``) an
envelope (``documents.envelope``). Reading accepts both, so an archive written before
encryption was turned on keeps working, and ``formapp archive encrypt`` converts it.

A document joins the archive with the transaction of its record (``stage`` and
``evidence.track_new_file``) and leaves it with the deletion of its record
(``remove_on_commit``): a committed record has its document, and no document stays without one.

A renewal for long-term proof (``cases.renewal``) appends bytes to a document: each
backend keeps them write-once as the document's tail number ``n`` (named
``<sha256>.<n>.tail`` everywhere: in a backup, in reports), joining the archive with the
transaction that records the renewed hash (``stage_tail``, ``evidence.track_new_tail``).
A tail is encrypted at rest like a document, in an envelope of its own named by the tail's
SHA-256; ``read`` returns the document and its tails as one plain PDF, whose hash
``formapp verify --all`` checks against the record's ``renewed_sha256``.
"""

from __future__ import annotations

import hashlib
import re
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
from formapp.documents.errors import DocumentError
from formapp.protection.keyring import Keyring

BACKENDS = ("local", "database", "s3")
_TAIL_NAME = re.compile(r"([0-9a-f]{64})\.([1-9][0-9]{0,8})\.tail")


def tail_name(digest: str, n: int) -> str:
    """The name of ``digest``'s ``n``-th renewal (from 1), on disk and in a backup."""
    return f"{digest}.{n}.tail"


def tail_of(name: str) -> tuple[str, int]:
    """(document digest, n) of a tail's name; DocumentError for anything else."""
    match = _TAIL_NAME.fullmatch(name)
    if match is None:
        raise DocumentError(f"not the name of an archived renewal: {name!r}")
    return match[1], int(match[2])


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

    def restorable(self, stored: bytes, digest: str) -> bytes:
        """A document from a backup as it is to be stored: checked to open to ``digest``'s
        document; encrypted when it was plain and encryption is on."""
        plain = self.unpack(stored, digest)
        if hashlib.sha256(plain).hexdigest() != digest:
            raise DocumentError(f"{digest}: the bytes are another document")
        return self.pack(plain, digest) if not is_envelope(stored) and self.encrypt else stored

    def pack_part(self, plain: bytes, encrypt: bool | None = None) -> bytes:
        """What is stored for a renewal's tail: an envelope named by the tail's own SHA-256
        when encryption is on (or ``encrypt``)."""
        if self.encrypt if encrypt is None else encrypt:
            return seal(self.keyring(), plain, hashlib.sha256(plain).hexdigest()).to_bytes()
        return plain

    def unpack_part(self, stored: bytes) -> bytes:
        """A tail's plain bytes (EnvelopeError if its envelope does not open to them)."""
        if not is_envelope(stored):
            return stored
        envelope = parse(stored)
        plain = open_envelope(self.keyring(), envelope, envelope.sha256)
        if hashlib.sha256(plain).hexdigest() != envelope.sha256:
            raise EnvelopeError(f"renewal {envelope.sha256}: opens to other bytes")
        return plain

    def restorable_part(self, stored: bytes) -> bytes:
        """A tail from a backup as it is to be stored: checked to open; encrypted when it
        was plain and encryption is on."""
        plain = self.unpack_part(stored)
        return self.pack_part(plain) if not is_envelope(stored) else stored

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
        """The plain sealed PDF with its renewals appended, as the record's ``renewed_sha256``
        names it (DocumentError when missing or when it does not open)."""

    def read_at_rest(self, digest: str) -> bytes:
        """The sealed first revision's bytes as stored (an envelope stays encrypted: what a
        backup copies); its renewals: ``read_tail_at_rest``."""

    def tail_names(self, digest: str) -> list[str]:
        """The names of the renewals appended to ``digest``, oldest first."""

    def stage_tail(self, digest: str, tail: bytes) -> str:
        """Store a renewal's appended bytes as ``digest``'s next tail for the current
        transaction (promoted or discarded with it, ``evidence.track_new_tail``); its name."""

    def promote_tail(self, name: str) -> None:
        """The renewal's transaction committed (after commit)."""

    def discard_tail(self, name: str) -> None:
        """The renewal's transaction rolled back (after rollback)."""

    def staged_tails(self) -> Iterator[tuple[str, float]]:
        """(name, modification time) of staged renewals a crash may have left."""

    def read_staged_tail(self, name: str) -> bytes:
        """A staged renewal's plain bytes (crash recovery decides on them)."""

    def read_tail_at_rest(self, name: str) -> bytes:
        """A renewal's bytes as stored (what a backup copies)."""

    def restore_tail(self, name: str, stored: bytes) -> None:
        """Put back a renewal as ``read_tail_at_rest`` gave it (restore); checked to open."""

    def exists(self, digest: str) -> bool: ...

    def is_encrypted(self, digest: str) -> bool:
        """Whether the document and each of its renewals are envelopes."""

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
        """Replace a plain document, and each plain renewal of it, by its envelope; False
        when all are envelopes already."""

    def rewrap(self, digest: str) -> bool:
        """Re-wrap the document's and its renewals' keys under the current data key; False
        when nothing to do."""

    def is_empty(self) -> bool: ...

    def guard_problems(self) -> list[str]:
        """What is missing of the backend's own write-once protection."""


# Session.info key: (archive, digest) pairs to remove once the session commits (local files).
DOOMED = "formapp.doomed_files"
