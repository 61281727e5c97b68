"""A write-once, content-addressed archive of sealed PDFs under the data directory.

A file's name is its SHA-256, so a stored document can never be replaced by another one, and a
changed byte is visible without a database. Files are written to a temporary name, synced and
then linked into place, so a crash leaves either nothing or a whole file (never a partial one).

A document whose record is not committed yet waits in ``.staging/`` and is promoted once the
record commits (or discarded if it does not); after a crash, ``archive_check.recover_staged``
finishes what the crash interrupted, so there is never a file without a record in the archive
proper, nor a committed record without its file.

A document renewed for long-term proof (``long_term``, ``records.renewal``) grows by
incremental updates only. Its first file stays as it was sealed, under the name the database
binds; each renewal's appended bytes are a write-once ``<digest>.<n>.tail`` beside it, and
``read`` returns the whole document: the file and its tails in order.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from formapp.documents.errors import DocumentError
from formapp.private_files import private_dir


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Archive:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, digest: str) -> Path:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise DocumentError(f"not a SHA-256 hex digest: {digest!r}")
        return self.root / digest[:2] / digest[2:4] / f"{digest}.pdf"

    @property
    def staging(self) -> Path:
        return self.root / ".staging"

    def staged_path(self, digest: str) -> Path:
        return self.staging / self.path_for(digest).name

    def store(self, data: bytes) -> str:
        """Store ``data`` once; returns its SHA-256. Storing the same bytes again is a no-op."""
        digest = sha256_hex(data)
        self._write_once(self.path_for(digest), data)
        return digest

    def stage(self, data: bytes) -> str:
        """Keep ``data`` in staging until its record commits (``promote``) or not (``discard``)."""
        digest = sha256_hex(data)
        self._write_once(self.staged_path(digest), data)
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

    def read(self, digest: str) -> bytes:
        """The document with its renewals; a just-committed one may still be on its way out of
        staging."""
        for path in (self.path_for(digest), self.staged_path(digest)):
            with contextlib.suppress(FileNotFoundError):
                return path.read_bytes() + b"".join(t.read_bytes() for t in self.tails(digest))
        raise DocumentError(f"document {digest} is not in the archive")

    def tails(self, digest: str) -> list[Path]:
        """The renewals appended to ``digest``, oldest first."""
        base = self.path_for(digest)
        found = base.parent.glob(f"{digest}.*.tail") if base.parent.exists() else ()
        return sorted(found, key=lambda p: int(p.name.split(".")[1]))

    def files_of(self, digest: str) -> list[Path]:
        return [self.path_for(digest), *self.tails(digest)]

    def stage_tail(self, digest: str, tail: bytes) -> str:
        """Keep the bytes a renewal appends to ``digest`` in staging until its record commits
        (``promote_tail``); returns the tail's file name."""
        name = f"{digest}.{len(self.tails(digest)) + 1}.tail"
        self._write_once(self.staging / name, tail)
        return name

    def promote_tail(self, name: str) -> None:
        staged = self.staging / name
        target = self.path_for(name.split(".")[0]).parent / name
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

    def restore_tail(self, name: str, tail: bytes) -> None:
        self._write_once(self.path_for(name.split(".")[0]).parent / name, tail)

    def exists(self, digest: str) -> bool:
        return self.path_for(digest).exists()

    def remove(self, digest: str) -> None:
        """Only for disposal after the retention period or for an uncommitted store."""
        for path in self.tails(digest):
            path.unlink(missing_ok=True)
        self.path_for(digest).unlink(missing_ok=True)

    def digests(self) -> Iterator[str]:
        """Every stored document's digest, from the file names."""
        if not self.root.exists():
            return
        for path in sorted(self.root.glob("??/??/*.pdf")):
            yield path.stem
