"""The local-disk archive backend: a write-once, content-addressed archive of sealed PDFs
under the data directory (``FORMAPP_ARCHIVE_BACKEND=local``, the default; see
``documents.archive_store`` for the interface and ``documents.archive_db`` for the other).

A file's name is its SHA-256, so a stored document can never be replaced by another one, and a
changed byte is visible without a database. Files are written to a temporary name, synced and
then linked into place, so a crash leaves either nothing or a whole file (never a partial one).

A document whose record is not committed yet waits in ``.staging/`` and is promoted once the
record commits (or discarded if it does not); after a crash, ``archive_check.recover_staged``
finishes what the crash interrupted, so there is never a file without a record in the archive
proper, nor a committed record without its file.

A file holds the plain sealed PDF, or its envelope when encryption at rest is on
(``documents.envelope``, which names the data key in its header); the name is always the
plain PDF's SHA-256. Two steps replace a file in place, atomically (a new file renamed over
the old one): encrypting a plain file, and re-wrapping an envelope's key after a data key
rotation. Neither changes the document a file opens to.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy.orm import Session

from formapp.documents.archive_store import DOOMED, AtRest, Leftovers
from formapp.documents.envelope import MAGIC, EnvelopeError, is_envelope, parse
from formapp.documents.errors import DocumentError
from formapp.private_files import private_dir


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Archive:
    backend = "local"

    def __init__(self, root: Path, at_rest: AtRest | None = None) -> None:
        self.root = root
        self.at_rest = at_rest or AtRest()

    def path_for(self, digest: str) -> Path:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise DocumentError(f"not a SHA-256 hex digest: {digest!r}")
        return self.root / digest[:2] / digest[2:4] / f"{digest}.pdf"

    def location(self, digest: str) -> str:
        return str(self.path_for(digest))

    @property
    def staging(self) -> Path:
        return self.root / ".staging"

    def staged_path(self, digest: str) -> Path:
        return self.staging / self.path_for(digest).name

    def store(self, data: bytes) -> str:
        """Store ``data`` once; returns its SHA-256. Storing the same bytes again is a no-op."""
        digest = sha256_hex(data)
        target = self.path_for(digest)
        if not target.exists():
            self._write_once(target, self.at_rest.pack(data, digest))
        return digest

    def store_at_rest(self, stored: bytes, digest: str) -> None:
        plain = self.at_rest.unpack(stored, digest)
        if sha256_hex(plain) != digest:
            raise DocumentError(f"{digest}: the bytes are another document")
        if not is_envelope(stored) and self.at_rest.encrypt:
            stored = self.at_rest.pack(plain, digest)
        self._write_once(self.path_for(digest), stored)

    def stage(self, data: bytes) -> str:
        """Keep ``data`` in staging until its record commits (``promote``) or not (``discard``)."""
        digest = sha256_hex(data)
        target = self.staged_path(digest)
        if not target.exists():
            self._write_once(target, self.at_rest.pack(data, digest))
        return digest

    def promote(self, digest: str) -> None:
        staged = self.staged_path(digest)
        target = self.path_for(digest)
        if staged.exists():
            private_dir(target.parent)
            with contextlib.suppress(FileExistsError):
                os.link(staged, target)
            staged.unlink(missing_ok=True)

    def discard(self, digest: str) -> None:
        self.staged_path(digest).unlink(missing_ok=True)

    def staged(self) -> Iterator[tuple[str, float]]:
        """(digest, modification time) of every staged document."""
        if self.staging.exists():
            for path in sorted(self.staging.glob("*.pdf")):
                yield path.stem, path.stat().st_mtime

    @staticmethod
    def _write_once(target: Path, data: bytes) -> None:
        if target.exists():
            return
        private_dir(target.parent)
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp_name, 0o400)  # write-once, and the owner's alone
            with contextlib.suppress(FileExistsError):  # never overwrite a stored file
                os.link(temp_name, target)
        finally:
            os.unlink(temp_name)

    @staticmethod
    def _replace(target: Path, data: bytes) -> None:
        """Put ``data`` in place of ``target`` in one step (encrypting, re-wrapping): a crash
        leaves the old file or the new one, and at most an ``.incoming-`` file."""
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp_name, 0o400)
            os.replace(temp_name, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)

    def read(self, digest: str) -> bytes:
        """The plain document; a just-committed one may still be on its way out of staging."""
        for path in (self.path_for(digest), self.staged_path(digest)):
            with contextlib.suppress(FileNotFoundError):
                return self.at_rest.unpack(path.read_bytes(), digest)
        raise DocumentError(f"document {digest} is not in the archive")

    def read_at_rest(self, digest: str) -> bytes:
        try:
            return self.path_for(digest).read_bytes()
        except FileNotFoundError:
            raise DocumentError(f"document {digest} is not in the archive") from None

    def exists(self, digest: str) -> bool:
        return self.path_for(digest).exists()

    def is_encrypted(self, digest: str) -> bool:
        with self.path_for(digest).open("rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC

    def remove_on_commit(self, session: Session, digest: str) -> None:
        session.info.setdefault(DOOMED, []).append((self, digest))

    def remove(self, digest: str) -> None:
        """Only for disposal after the retention period or for an uncommitted store."""
        self.path_for(digest).unlink(missing_ok=True)

    def digests(self) -> Iterator[str]:
        """Every stored document's digest, from the file names."""
        if not self.root.exists():
            return
        for path in sorted(self.root.glob("??/??/*.pdf")):
            yield path.stem

    def is_empty(self) -> bool:
        return next(self.digests(), None) is None

    def guard_problems(self) -> list[str]:
        return []  # files are linked into place once; the file system has no triggers

    def _whole(self, data: bytes) -> str | None:
        """The digest of a complete document in ``data`` (plain or envelope), else None."""
        if not is_envelope(data):
            return sha256_hex(data)
        try:
            digest = parse(data).sha256
            return digest if sha256_hex(self.at_rest.unpack(data, digest)) == digest else None
        except (EnvelopeError, ValueError, KeyError):
            return None  # cut short, or not ours

    def clear_incoming(self, min_age_seconds: float,
                       committed: Callable[[str], bool]) -> Leftovers:
        if not self.root.exists():
            return Leftovers(0, 0)
        completed = removed = 0
        now = time.time()
        for path in sorted(self.root.rglob(".incoming-*")):
            try:
                if now - path.stat().st_mtime < min_age_seconds:
                    continue
                data = path.read_bytes()
            except FileNotFoundError:
                continue  # its writer finished meanwhile
            digest = self._whole(data)
            if digest is not None and not self.exists(digest) and committed(digest):
                self._write_once(self.path_for(digest), data)
                completed += 1
            else:
                removed += 1
            path.unlink(missing_ok=True)
        return Leftovers(completed, removed)

    def encrypt_plain(self, digest: str) -> bool:
        stored = self.read_at_rest(digest)
        if is_envelope(stored):
            return False
        if sha256_hex(stored) != digest:
            raise DocumentError(f"{self.location(digest)} no longer has the SHA-256 it is "
                                "stored under: not encrypted (run `formapp verify --all`)")
        self._replace(self.path_for(digest), self.at_rest.envelope(stored, digest).to_bytes())
        return True

    def rewrap(self, digest: str) -> bool:
        stored = self.read_at_rest(digest)
        if not is_envelope(stored):
            return False
        fresh = self.at_rest.rewrapped(parse(stored), digest)
        if fresh is None:
            return False
        self._replace(self.path_for(digest), fresh.to_bytes())
        return True
