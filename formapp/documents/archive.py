"""A write-once, content-addressed archive of sealed PDFs under the data directory.

A file's name is its SHA-256, so a stored document can never be replaced by another one, and a
changed byte is visible without a database. Files are written to a temporary name, synced and
then linked into place, so a crash leaves either nothing or a whole file (never a partial one).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from formapp.documents.errors import DocumentError


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Archive:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, digest: str) -> Path:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise DocumentError(f"not a SHA-256 hex digest: {digest!r}")
        return self.root / digest[:2] / digest[2:4] / f"{digest}.pdf"

    def store(self, data: bytes) -> str:
        """Store ``data`` once; returns its SHA-256. Storing the same bytes again is a no-op."""
        digest = sha256_hex(data)
        target = self.path_for(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp_name, 0o444)
            with contextlib.suppress(FileExistsError):  # never overwrite a stored file
                os.link(temp_name, target)
        finally:
            os.unlink(temp_name)
        return digest

    def read(self, digest: str) -> bytes:
        try:
            return self.path_for(digest).read_bytes()
        except FileNotFoundError as exc:
            raise DocumentError(f"document {digest} is not in the archive") from exc

    def exists(self, digest: str) -> bool:
        return self.path_for(digest).exists()

    def remove(self, digest: str) -> None:
        """Only for disposal after the retention period or for an uncommitted store."""
        self.path_for(digest).unlink(missing_ok=True)

    def digests(self) -> Iterator[str]:
        """Every stored document's digest, from the file names."""
        if not self.root.exists():
            return
        for path in sorted(self.root.glob("??/??/*.pdf")):
            yield path.stem
