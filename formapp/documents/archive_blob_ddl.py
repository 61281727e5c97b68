"""The database archive backend's write-once rule, in the database itself (issue 22).

``archive_blob`` holds each sealed PDF (or its envelope) under its SHA-256; ``archive_tail``
holds the renewals appended to it for long-term proof (``cases.renewal``), each under its
document's SHA-256 and its number ``n``. What the triggers allow, on SQLite and PostgreSQL
alike, on both tables:

- INSERT: always (a new document or renewal; the primary key refuses a second row for one
  key).
- UPDATE: only the two changes encryption at rest makes, never the key:
  * encrypting a plain row once (``envelope`` from NULL to a header, new ``body``);
  * re-wrapping an envelope's key after a data key rotation (``envelope`` changes, ``body``
    stays byte for byte).
  An envelope never becomes plain again, and a plain row's bytes never change.
- DELETE: only of a row whose document no ``archived_document`` row names any more. This is
  the erasure path: retention (``cases.retention``) and end reason 8
  (``cases.deregistration``) delete the record first and the document and its renewals
  after it, in the same transaction, so all go together or none does. A document (or a
  renewal of it) that is still some record's proof can not be deleted.

The database cannot tell a correct encryption from garbage: ``formapp verify --all`` opens
every document with its renewals and checks its SHA-256 and seal. Someone who may drop
triggers (the schema owner) can still change anything; the README's threat model says so.

Written out once here for ``create_all``; migration 0020 has its own copy, and
tests/records/test_migrations.py checks both give the same triggers.
"""

from __future__ import annotations

TABLES = ("archive_blob", "archive_tail")
_KEYS = {"archive_blob": ("sha256",), "archive_tail": ("sha256", "n")}
_WHAT = {"archive_blob": "document", "archive_tail": "renewal"}

MESSAGE = "archive_blob is write-once: a stored document is never changed"
DELETE_MESSAGE = "archive_blob: a document is removed only after its archived_document record"

TRIGGER_NAMES = {
    "sqlite": {name for table in TABLES
               for name in (f"{table}_write_once", f"{table}_no_delete")},
    "postgresql": {f"{table}_write_once" for table in TABLES},
}

_RECORDED = "EXISTS (SELECT 1 FROM archived_document WHERE sha256 = OLD.sha256)"


def messages(table: str) -> tuple[str, str]:
    """What an UPDATE and a DELETE the rule refuses say."""
    what = _WHAT[table]
    return (f"{table} is write-once: a stored {what} is never changed",
            f"{table}: a {what} is removed only after its archived_document record")


def _allowed_update(table: str) -> str:
    """Whether an UPDATE is one of the two allowed ones."""
    same_key = " AND ".join(f"NEW.{key} = OLD.{key}" for key in _KEYS[table])
    return (f"{same_key} AND ("
            "(NEW.body = OLD.body AND OLD.envelope IS NOT NULL AND NEW.envelope IS NOT NULL)"
            " OR (OLD.envelope IS NULL AND NEW.envelope IS NULL AND NEW.body = OLD.body)"
            " OR (OLD.envelope IS NULL AND NEW.envelope IS NOT NULL))")


def table_ddl(table: str, dialect: str) -> tuple[str, ...]:
    """The write-once triggers of one of ``TABLES``."""
    message, delete_message = messages(table)
    if dialect == "sqlite":
        return (
            f"CREATE TRIGGER {table}_write_once BEFORE UPDATE ON {table} "
            f"WHEN NOT ({_allowed_update(table)}) "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"WHEN {_RECORDED} "
            f"BEGIN SELECT RAISE(ABORT, '{delete_message}'); END",
        )
    if dialect == "postgresql":
        return (
            f"CREATE OR REPLACE FUNCTION {table}_write_once() RETURNS trigger AS $$ "
            "BEGIN IF TG_OP = 'DELETE' THEN "
            f"IF {_RECORDED} THEN "
            f"RAISE EXCEPTION '{delete_message}' USING ERRCODE = 'check_violation'; END IF; "
            "RETURN OLD; END IF; "
            f"IF NOT ({_allowed_update(table)}) THEN "
            f"RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {table}_write_once BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_write_once()",
        )
    return ()


def archive_blob_ddl(dialect: str) -> tuple[str, ...]:
    return table_ddl("archive_blob", dialect)


def archive_tail_ddl(dialect: str) -> tuple[str, ...]:
    return table_ddl("archive_tail", dialect)
