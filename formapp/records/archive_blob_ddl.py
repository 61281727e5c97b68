"""The database archive backend's write-once rule, in the database itself (issue 22).

``archive_blob`` holds each sealed PDF (or its envelope) under its SHA-256. What the triggers
allow, on SQLite and PostgreSQL alike:

- INSERT: always (a new document; the primary key refuses a second row for one SHA-256).
- UPDATE: only the two changes encryption at rest makes, never the SHA-256:
  * encrypting a plain document once (``envelope`` from NULL to a header, new ``body``);
  * re-wrapping an envelope's key after a data key rotation (``envelope`` changes, ``body``
    stays byte for byte).
  An envelope never becomes plain again, and a plain document's bytes never change.
- DELETE: only of a document no ``archived_document`` row names any more. This is the
  erasure path: retention (``records.retention``) and end reason 8
  (``records.deregistrations``) delete the record first and the document after it, in the
  same transaction, so both go together or neither does. A document that is still some
  record's proof can not be deleted.

The database cannot tell a correct encryption from garbage: ``formapp verify --all`` opens
every document and checks its SHA-256 and seal. Someone who may drop triggers (the schema
owner) can still change anything; the README's threat model says so.

Written out once here for ``create_all``; migration 0020 has its own copy, and
tests/records/test_migrations.py checks both give the same triggers.
"""

from __future__ import annotations

MESSAGE = "archive_blob is write-once: a stored document is never changed"
DELETE_MESSAGE = "archive_blob: a document is removed only after its archived_document record"

TRIGGER_NAMES = {
    "sqlite": {"archive_blob_write_once", "archive_blob_no_delete"},
    "postgresql": {"archive_blob_write_once"},
}

# Whether an UPDATE is one of the two allowed ones.
_ALLOWED_UPDATE = (
    "NEW.sha256 = OLD.sha256 AND ("
    "(NEW.body = OLD.body AND OLD.envelope IS NOT NULL AND NEW.envelope IS NOT NULL)"
    " OR (OLD.envelope IS NULL AND NEW.envelope IS NULL AND NEW.body = OLD.body)"
    " OR (OLD.envelope IS NULL AND NEW.envelope IS NOT NULL))")
_RECORDED = "EXISTS (SELECT 1 FROM archived_document WHERE sha256 = OLD.sha256)"


def archive_blob_ddl(dialect: str) -> tuple[str, ...]:
    if dialect == "sqlite":
        return (
            "CREATE TRIGGER archive_blob_write_once BEFORE UPDATE ON archive_blob "
            f"WHEN NOT ({_ALLOWED_UPDATE}) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            "CREATE TRIGGER archive_blob_no_delete BEFORE DELETE ON archive_blob "
            f"WHEN {_RECORDED} "
            f"BEGIN SELECT RAISE(ABORT, '{DELETE_MESSAGE}'); END",
        )
    if dialect == "postgresql":
        return (
            "CREATE OR REPLACE FUNCTION archive_blob_write_once() RETURNS trigger AS $$ "
            "BEGIN IF TG_OP = 'DELETE' THEN "
            f"IF {_RECORDED} THEN "
            f"RAISE EXCEPTION '{DELETE_MESSAGE}' USING ERRCODE = 'check_violation'; END IF; "
            "RETURN OLD; END IF; "
            f"IF NOT ({_ALLOWED_UPDATE}) THEN "
            f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER archive_blob_write_once BEFORE UPDATE OR DELETE ON archive_blob "
            "FOR EACH ROW EXECUTE FUNCTION archive_blob_write_once()",
        )
    return ()
