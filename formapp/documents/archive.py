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

A document renewed for long-term proof (``long_term``, ``cases.renewal``) grows by
incremental updates only. Its first file stays as it was sealed, under the name the database
binds; each renewal's appended bytes are a write-once ``<digest>.<n>.tail`` beside it (plain,
or an envelope of its own when encryption at rest is on), and ``read`` returns the whole
plain document: the file and its tails in order.
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

from formapp.documents.archive_store import DOOMED, AtRest, Leftovers, tail_name, tail_of
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
        self._write_once(self.path_for(digest), self.at_rest.restorable(stored, digest))

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
        """The plain document with its renewals; a just-committed one may still be on its way
        out of staging."""
        for path in (self.path_for(digest), self.staged_path(digest)):
            with contextlib.suppress(FileNotFoundError):
                first = self.at_rest.unpack(path.read_bytes(), digest)
                return first + b"".join(self.at_rest.unpack_part(tail.read_bytes())
                                        for tail in self.tails(digest))
        raise DocumentError(f"document {digest} is not in the archive")

    # Renewals (long-term proof): write-once tails beside the document.

    def tails(self, digest: str) -> list[Path]:
        """The renewals appended to ``digest``, oldest first."""
        base = self.path_for(digest)
        found = base.parent.glob(f"{digest}.*.tail") if base.parent.exists() else ()
        return sorted(found, key=lambda path: tail_of(path.name)[1])

    def tail_names(self, digest: str) -> list[str]:
        return [path.name for path in self.tails(digest)]

    def _tail_path(self, name: str) -> Path:
        return self.path_for(tail_of(name)[0]).parent / name

    def stage_tail(self, digest: str, tail: bytes) -> str:
        """Keep the bytes a renewal appends to ``digest`` in staging until its record commits
        (``promote_tail``); returns the tail's name."""
        name = tail_name(digest, len(self.tails(digest)) + 1)
        self._write_once(self.staging / name, self.at_rest.pack_part(tail))
        return name

    def promote_tail(self, name: str) -> None:
        staged = self.staging / name
        target = self._tail_path(name)
        if staged.exists():
            with contextlib.suppress(FileExistsError):
                os.link(staged, target)
            staged.unlink(missing_ok=True)

    def discard_tail(self, name: str) -> None:
        (self.staging / name).unlink(missing_ok=True)

    def staged_tails(self) -> Iterator[tuple[str, float]]:
        if self.staging.exists():
            for path in sorted(self.staging.glob("*.tail")):
                yield path.name, path.stat().st_mtime

    def read_staged_tail(self, name: str) -> bytes:
        try:
            return self.at_rest.unpack_part((self.staging / name).read_bytes())
        except FileNotFoundError:
            raise DocumentError(f"renewal {name} is not staged") from None

    def read_tail_at_rest(self, name: str) -> bytes:
        try:
            return self._tail_path(name).read_bytes()
        except FileNotFoundError:
            raise DocumentError(f"renewal {name} is not in the archive") from None

    def restore_tail(self, name: str, stored: bytes) -> None:
        self._write_once(self._tail_path(name), self.at_rest.restorable_part(stored))

    def read_at_rest(self, digest: str) -> bytes:
        try:
            return self.path_for(digest).read_bytes()
        except FileNotFoundError:
            raise DocumentError(f"document {digest} is not in the archive") from None

    def exists(self, digest: str) -> bool:
        return self.path_for(digest).exists()

    def is_encrypted(self, digest: str) -> bool:
        """The document and each of its renewals."""
        for path in self.files_of(digest):
            with path.open("rb") as handle:
                if handle.read(len(MAGIC)) != MAGIC:
                    return False
        return True

    def files_of(self, digest: str) -> list[Path]:
        return [self.path_for(digest), *self.tails(digest)]

    def remove_on_commit(self, session: Session, digest: str) -> None:
        session.info.setdefault(DOOMED, []).append((self, digest))

    def remove(self, digest: str) -> None:
        """Only for disposal after the retention period or for an uncommitted store; its
        renewals go first (a crash between leaves the document, which verify still finds)."""
        for path in self.tails(digest):
            path.unlink(missing_ok=True)
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
        """The document and its renewals, each that is still plain."""
        changed = False
        stored = self.read_at_rest(digest)
        if not is_envelope(stored):
            if sha256_hex(stored) != digest:
                raise DocumentError(f"{self.location(digest)} no longer has the SHA-256 it is "
                                    "stored under: not encrypted (run `formapp verify --all`)")
            self._replace(self.path_for(digest),
                          self.at_rest.envelope(stored, digest).to_bytes())
            changed = True
        for path in self.tails(digest):
            tail = path.read_bytes()
            if not is_envelope(tail):
                self._replace(path, self.at_rest.pack_part(tail, encrypt=True))
                changed = True
        return changed

    def rewrap(self, digest: str) -> bool:
        """The document's key and its renewals' keys, each not under the current data key."""
        parts: list[tuple[Path, bytes, str | None]] = [
            (self.path_for(digest), self.read_at_rest(digest), digest)]
        parts += [(path, path.read_bytes(), None) for path in self.tails(digest)]
        changed = False
        for path, stored, name in parts:
            if not is_envelope(stored):
                continue
            envelope = parse(stored)  # a tail's envelope is named by its own SHA-256
            fresh = self.at_rest.rewrapped(envelope, name or envelope.sha256)
            if fresh is not None:
                self._replace(path, fresh.to_bytes())
                changed = True
        return changed
