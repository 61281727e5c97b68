"""``formapp backup`` and ``formapp restore``: the database and the archive, consistently.

The backup reads every table in one transaction (a snapshot) and copies exactly the archived
documents that snapshot refers to; archived documents are write-once, so one named by the
snapshot can not change while it is copied. The format is plain (JSON lines per table, the
documents as they are stored, a manifest with counts and hashes) so it can be read without
formapp in twenty years.

Documents are files ``archive/<ab>/<cd>/<sha256>.pdf`` whatever the archive backend (a backup
of the database backend restores into the local one and back): the sealed PDF, or its
envelope when it is encrypted at rest (``documents.envelope`` describes the format), and
its renewals for long-term proof as ``<sha256>.<n>.tail`` beside it (each appended to the
PDF in order of ``n``; each plain, or an envelope of its own). An envelope stays encrypted in
the backup, and the backup never holds the data keys that open it; ``archive_blob`` and
``archive_tail``, the database backend's tables, are therefore not copied as rows.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import select, text

from formapp.config import ConfigError
from formapp.documents.envelope import is_envelope
from formapp.documents.errors import DocumentError
from formapp.evidence import EXTENSION_KEY, evidence
from formapp.extensions import clear_app_caches, db
from formapp.private_files import FILE_MODE, open_private, private_dir, write_private
from formapp.protection.columns import stored_type
from formapp.protection.current import CHECK_TABLE, check_key_rows, forget_keyring, keyring
from formapp.protection.keyring import KEY_FILE
from formapp.records.audit import record_head
from formapp.records.audit_checkpoints import DIRECTORY
from formapp.records.audit_checkpoints import directory as checkpoint_directory
from formapp.records.models import ArchivedDocument

# The database archive backend's documents and renewals travel as files (``archive/``), not
# as rows.
DOCUMENT_TABLES = ("archive_blob", "archive_tail")

FORMAT = 1
# Development secrets live in the data directory: the seal's certificates and key (without
# them a restored archive's seals can not be checked) travel with the backup. The data keys
# never do: a backup holds ciphertext, and whoever has the backup must not also have what
# opens it. Keep <data dir>/data_keys (or, in production, FORMAPP_DATA_KEYS and
# FORMAPP_LOOKUP_KEYS) apart, and put them in place before restoring.
SECRET_FILES = ("secret_key", "keys/ca.pem", "keys/seal.pem", "keys/seal-key.pem")


class BackupError(RuntimeError):
    """The backup or restore can not proceed; the message says why."""


@dataclass(frozen=True)
class Summary:
    rows: dict[str, int]
    files: int


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode()}
    return value


def _decode(column: sa.Column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return date.fromisoformat(value)
    if isinstance(value, dict) and set(value) == {"base64"} and isinstance(kind, sa.LargeBinary):
        return base64.b64decode(value["base64"])
    return value


def _raw_select(table: sa.Table) -> sa.Select:
    """Every column as stored: encrypted ones stay ciphertext in the backup."""
    return select(*(sa.type_coerce(c, stored_type(c)).label(c.name) for c in table.columns))


def _raw_insert(table: sa.Table) -> sa.Insert:
    """Values go in as they were stored (ciphertext is not encrypted a second time)."""
    return table.insert().values({c.name: sa.bindparam(c.name, type_=stored_type(c))
                                  for c in table.columns})


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:  # in chunks: a table's file can be gigabytes
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _revision() -> str | None:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DBAPIError:
        db.session.rollback()
        return None


def backup(out: Path) -> Summary:
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: a backup goes into a new directory")
    private_dir(out / "db")
    rows: dict[str, int] = {}
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():  # one snapshot for every table
            if conn.dialect.name == "sqlite":
                conn.execute(text("SELECT 1 FROM sqlite_master LIMIT 1"))
            for table in _row_tables():
                path = out / "db" / f"{table.name}.jsonl"
                count = 0
                with open_private(path) as handle:
                    # A server-side cursor, a thousand rows at a time: without it the driver
                    # holds the whole table in memory (4.3 GB for 1,000,000 participations).
                    for row in conn.execute(_raw_select(table).execution_options(
                            yield_per=1000)).mappings():
                        handle.write(json.dumps({k: _encode(v) for k, v in row.items()},
                                                ensure_ascii=False) + "\n")
                        count += 1
                rows[table.name] = count
            digests = [r.sha256 for r in conn.execute(select(ArchivedDocument.sha256))]
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
                if sa.inspect(conn).has_table("alembic_version") else None
    archive = evidence().archive
    encrypted = renewals = 0
    for digest in digests:
        try:
            stored = archive.read_at_rest(digest)
        except DocumentError:
            raise BackupError(f"the archive lacks {digest}, which the database names: run "
                              "`formapp verify --all` first") from None
        encrypted += is_envelope(stored)
        _write_document(out / document_path(digest), stored)
        for name in archive.tail_names(digest):  # its renewals (long-term proof)
            _write_document(out / document_path(digest).with_name(name),
                            archive.read_tail_at_rest(name))
            renewals += 1
    checkpoints = _copy_checkpoints(checkpoint_directory(), out / DIRECTORY)
    data_dir = Path(current_app.config["FORMAPP_DATA_DIR"])
    secrets = [name for name in SECRET_FILES if (data_dir / name).exists()]
    for name in secrets:
        private_dir((out / "secrets" / name).parent)
        shutil.copy2(data_dir / name, out / "secrets" / name)
        (out / "secrets" / name).chmod(FILE_MODE)
    manifest = {
        "format": FORMAT, "created": datetime.now().astimezone().isoformat(),
        "alembic_revision": revision, "rows": rows, "archive_files": len(digests),
        "archive_encrypted": encrypted, "archive_renewals": renewals,
        "audit_checkpoints": checkpoints, "secrets": secrets,
        "sha256": {f"db/{p.name}": _sha256(p) for p in sorted((out / "db").iterdir())},
    }
    write_private(out / "manifest.json", json.dumps(manifest, indent=2))
    return Summary(rows, len(digests))


def _row_tables() -> list[sa.Table]:
    return [t for t in db.metadata.sorted_tables if t.name not in DOCUMENT_TABLES]


def document_path(digest: str) -> Path:
    """Where a document is in a backup (the local archive's layout); its renewals are
    ``<digest>.<n>.tail`` beside it."""
    return Path("archive") / digest[:2] / digest[2:4] / f"{digest}.pdf"


def _write_document(target: Path, stored: bytes) -> None:
    private_dir(target.parent)
    write_private(target, stored, exclusive=True)
    target.chmod(0o400)


def _copy_checkpoints(source: Path, target: Path) -> int:
    """The audit trail's sealed checkpoints (they are what shows, after a restore, that no
    entry was cut or rewritten)."""
    if not source.exists():
        return 0
    names = sorted(p.name for p in source.glob("*.p7m"))
    if names:
        private_dir(target)
    for name in names:
        shutil.copy2(source / name, target / name)
    return len(names)


def restore(source: Path) -> Summary:
    """Into an empty, migrated database and a data directory without an archive."""
    try:
        manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} holds no readable formapp backup: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for name, digest in manifest["sha256"].items():
        if _sha256(source / name) != digest:
            raise BackupError(f"{name} in the backup is damaged (its SHA-256 differs)")
    _check_keys(source)
    if manifest["alembic_revision"] != _revision():
        raise BackupError(f"the backup is at schema {manifest['alembic_revision']}, this "
                          f"database at {_revision()}: run `formapp db upgrade` to match first")
    # The key checks are the keys' (the app writes its own at start), the backup brings its own.
    db.session.execute(text(f"DELETE FROM {CHECK_TABLE}"))
    for table in db.metadata.sorted_tables:
        if db.session.execute(select(sa.func.count()).select_from(table)).scalar():
            raise BackupError(f"the database is not empty (table {table.name}): restore only "
                              "into a new database")
    # The database's consent gate refuses a registration on a withdrawn consent: those
    # consents come in as used and are withdrawn again once every row is in.
    withdrawn: list[str] = []
    for table in _row_tables():
        path = source / "db" / f"{table.name}.jsonl"
        batch: list[dict[str, Any]] = []
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                raw = json.loads(line)
                row = {c.name: _decode(c, raw.get(c.name)) for c in table.columns}
                if table.name == "consent" and row["status"] == "withdrawn":
                    withdrawn.append(row["id"])
                    row["status"] = "used"
                batch.append(row)
                if len(batch) >= 1000:
                    db.session.execute(_raw_insert(table), batch)
                    batch = []
        if batch:
            db.session.execute(_raw_insert(table), batch)
    consent = db.metadata.tables["consent"]
    for start in range(0, len(withdrawn), 500):
        db.session.execute(consent.update().where(consent.c.id.in_(withdrawn[start:start + 500]))
                           .values(status="withdrawn"))
    _reset_sequences()
    _restore_secrets(source, manifest.get("secrets", []))
    archive = evidence().archive
    files = 0
    for path in sorted((source / "archive").glob("??/??/*.pdf")) if (source / "archive").exists() \
            else []:
        try:  # as stored (an envelope stays one); plain ones encrypted if encryption is on
            archive.store_at_rest(path.read_bytes(), path.stem)
        except DocumentError as exc:
            raise BackupError(f"{path.name} in the backup is damaged: {exc}") from exc
        files += 1
    # Renewals: checked to open here; the whole document's hash is `formapp verify --all`'s.
    for path in sorted((source / "archive").glob("??/??/*.tail")) \
            if (source / "archive").exists() else []:
        try:
            archive.restore_tail(path.name, path.read_bytes())
        except DocumentError as exc:
            raise BackupError(f"{path.name} in the backup is damaged: {exc}") from exc
    _copy_checkpoints(source / DIRECTORY, checkpoint_directory())
    db.session.commit()
    record_head()  # the chain is checked against it again from now on
    return Summary(manifest["rows"], files)


def _restore_secrets(source: Path, names: list[str]) -> None:
    """The installation's development secrets come back with its data; the seal is loaded
    again from them (restart the app afterwards, as its secret key changed too)."""
    data_dir = Path(current_app.config["FORMAPP_DATA_DIR"])
    if not evidence().archive.is_empty():
        raise BackupError(f"{data_dir / 'archive'} is not empty: restore into a new data "
                          "directory")
    for name in names:
        target = data_dir / name
        private_dir(target.parent)
        target.unlink(missing_ok=True)
        shutil.copy2(source / "secrets" / name, target)
    current_app.extensions.pop(EXTENSION_KEY, None)
    clear_app_caches(current_app)  # what they hold came from the database just replaced
    forget_keyring()


def _check_keys(source: Path) -> None:
    """The backup brings no data keys: the configured ones must be those its data was
    written with (checked before anything is restored)."""
    rows = []
    with (source / "db" / f"{CHECK_TABLE}.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            raw = json.loads(line)
            rows.append((raw["kind"], raw["key_id"], raw["check_value"]))
    try:
        check_key_rows(keyring(), rows)
    except ConfigError as exc:
        raise BackupError(f"{exc}. A backup never holds the data keys: put the old "
                          f"installation's {KEY_FILE} in the data directory (development) or "
                          "set FORMAPP_DATA_KEYS and FORMAPP_LOOKUP_KEYS, then restore "
                          "again into an empty database") from exc


def _reset_sequences() -> None:
    """PostgreSQL: the next id after the restored ones."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        column = table.columns.get("id")
        if column is not None and isinstance(column.type, sa.Integer):
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))
