"""Migration 0011 keys an existing plain SHA-256 chain without rewriting it: the entry it
appends covers the plain chain's end, so re-chaining the old entries is caught from then on."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from formapp.cli import cli
from formapp.extensions import db
from formapp.records.audit import verify_chain
from formapp.records.models import AUDIT_APPEND_ONLY_DDL
from tests.conftest import make_app


def _plain(body: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False)
                          .encode("utf-8")).hexdigest()


def _plain_chain(conn: sa.Connection, whys: list[str]) -> None:
    """Entries as formapp wrote them before 0011 (head file included)."""
    previous = "0" * 64
    for n, why in enumerate(whys, start=1):
        at = datetime(2026, 11, 1, 12, n, tzinfo=UTC)
        body = {"at": at.isoformat(timespec="microseconds"), "actor_id": None,
                "actor": "system", "action": "test", "subject": f"s{n}", "why": why,
                "forbund_id": None, "person_key": None, "details": "{}",
                "prev_hash": previous}
        digest = _plain(body)
        conn.execute(sa.text("INSERT INTO audit_entry (id, at, actor_id, actor, action, subject,"
                             " why, forbund_id, person_key, details, prev_hash, hash) VALUES "
                             "(:id, :at, NULL, 'system', 'test', :subject, :why, NULL, NULL, "
                             "'{}', :prev, :hash)"),
                     {"id": n, "at": at if conn.dialect.name == "postgresql"
                      else at.replace(tzinfo=None).isoformat(sep=" "),
                      "subject": f"s{n}", "why": why, "prev": previous, "hash": digest})
        previous = digest


def _rechain_plain(conn: sa.Connection) -> None:
    """An attacker changes entry 2 and re-chains the plain entries with SHA-256."""
    for statement in {"sqlite": ("DROP TRIGGER audit_entry_no_update",),
                      "postgresql": ("DROP TRIGGER audit_entry_append_only ON audit_entry",)
                      }[conn.dialect.name]:
        conn.execute(sa.text(statement))
    rows = conn.execute(sa.text("SELECT id, at, subject, why FROM audit_entry "
                                "WHERE key_id IS NULL ORDER BY id")).all()
    previous = "0" * 64
    for row in rows:
        at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(row.at)
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        why = "ändrad" if row.id == 2 else row.why
        body = {"at": at.astimezone(UTC).isoformat(timespec="microseconds"), "actor_id": None,
                "actor": "system", "action": "test", "subject": row.subject, "why": why,
                "forbund_id": None, "person_key": None, "details": "{}",
                "prev_hash": previous}
        digest = _plain(body)
        conn.execute(sa.text("UPDATE audit_entry SET why = :why, prev_hash = :prev, "
                             "hash = :hash WHERE id = :id"),
                     {"why": why, "prev": previous, "hash": digest, "id": row.id})
        previous = digest
    for statement in AUDIT_APPEND_ONLY_DDL[conn.dialect.name][-1:] \
            if conn.dialect.name == "postgresql" else AUDIT_APPEND_ONLY_DDL["sqlite"][:1]:
        conn.execute(sa.text(statement))


def test_migration_keys_an_existing_plain_chain(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path / "data")
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        try:
            upgrade(revision="0009")
            with db.engine.begin() as conn:
                _plain_chain(conn, ["ett", "två", "tre"])
            upgrade(revision="0011")
            report = verify_chain()
            assert report.ok, report.problems
            assert report.entries == 4  # the three plain ones and the keyed entry after them
            runner = app.test_cli_runner()
            assert runner.invoke(cli, ["audit", "verify"]).exit_code == 0
            db.session.remove()  # its read must not hold the table while triggers go
            with db.engine.begin() as conn:
                _rechain_plain(conn)
            report = verify_chain()
            assert any("entry 4: does not follow" in p for p in report.problems), \
                report.problems
        finally:
            db.session.remove()
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
            db.engine.dispose()
