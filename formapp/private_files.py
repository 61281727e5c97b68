"""Files and folders formapp creates are its own: folders 0700, files 0600 (0400 once they must
never change). The data directory holds personal data (database, archive, backups) and keys,
so nothing in it is readable by the group or other users, whatever the umask."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO, Any

from sqlalchemy.engine import make_url

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """``path`` and every missing parent created 0700 (existing ones are left as they are)."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it first
            folder.mkdir(mode=DIR_MODE)
        folder.chmod(DIR_MODE)  # mkdir's mode passes through the umask
    return path


def open_private(path: Path, mode: str = "w", *, exclusive: bool = False) -> IO[Any]:
    """``open(path, mode)`` for a new file created 0600 (text as UTF-8)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    if "b" in mode:
        return os.fdopen(fd, mode)
    return os.fdopen(fd, mode, encoding="utf-8")


def write_private(path: Path, data: bytes | str, *, exclusive: bool = False) -> None:
    with open_private(path, "wb" if isinstance(data, bytes) else "w",
                      exclusive=exclusive) as handle:
        handle.write(data)


def private_sqlite_file(database_url: str) -> None:
    """Create a SQLite database file 0600 before SQLite does (it would use the umask); its
    write-ahead log and shared-memory files take the database file's mode."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    path = Path(url.database)
    if path.exists():
        return
    private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        write_private(path, b"", exclusive=True)
