"""Migrations from empty build exactly the schema the models describe, on each backend."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from formapp.cases.consent import withdraw_consent
from formapp.documents.archive_blob_ddl import TRIGGER_NAMES as ARCHIVE_TRIGGERS
from formapp.extensions import db
from formapp.records.consent_gate import TRIGGER_NAMES
from formapp.records.models import Registration
from tests.conftest import make_app
from tests.web.registration_helpers import register_one
from tests.world import build_world


def test_upgrade_from_empty_matches_the_models(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path / "data")
    with app.app_context():
        db.drop_all()  # the PostgreSQL schema is shared with other tests: start empty
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), db.metadata)
            assert diff == [], f"models and migrations disagree: {diff}"
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()  # and back up again: the downgrade left nothing in the way
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


def _gate_triggers() -> dict[str, str]:
    """The consent gate's triggers (and PostgreSQL functions) as the database has them."""
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            rows = conn.execute(sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        else:
            # Only this test's schema: other test runs share the server.
            rows = conn.execute(sa.text(
                "SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
                " UNION ALL SELECT 'function ' || proname, prosrc FROM pg_proc"
                " WHERE pronamespace = current_schema()::regnamespace")).all()
    return {name: sql for name, sql in rows if "gate" in name or "withdrawal_final" in name}


def _empty() -> None:
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        if db.engine.dialect.name == "postgresql":
            for name in ("registration_consent_gate", "registration_support_consent_gate",
                         "consent_withdrawal_final", "archive_blob_write_once",
                         "archive_tail_write_once"):
                conn.execute(sa.text(f"DROP FUNCTION IF EXISTS {name}() CASCADE"))


def test_the_consent_gate_comes_with_the_migrations(database_url: str, tmp_path: Path) -> None:
    """Migration 0012 makes the same triggers as a new database (``create_all``), they are
    still there at head (a later batch migration of ``registration`` on SQLite would drop
    them), and it ends registrations a withdrawal left open before it, as reason 6."""
    app = make_app(database_url, tmp_path / "data")
    with app.app_context():
        _empty()
        db.create_all()
        created = _gate_triggers()
        assert set(TRIGGER_NAMES[db.engine.dialect.name]) <= set(created)
        _empty()
        upgrade()
        assert _gate_triggers() == created
        world = build_world()
        registration_id = register_one(app, world)
        registration = db.session.get(Registration, registration_id)
        withdraw_consent(registration.consent, by=world.users["deltagaransvarig"],
                         reason="Innan återkallelsen avslutade registreringen.")
        db.session.commit()
        withdrawn_on = registration.consent.withdrawn_at.date()
        db.session.remove()
        downgrade(revision="0012-1")
        assert _gate_triggers() == {}
        upgrade()
        registration = db.session.get(Registration, registration_id)
        assert registration.end_reason == "6" and registration.end_date == withdrawn_on
        assert registration.arbetar_efter is None and registration.ended_at is not None
        db.session.remove()
        _empty()
        db.engine.dispose()


def test_consents_an_old_import_made_up_are_marked_unproven(database_url: str,
                                                            tmp_path: Path) -> None:
    """Migration 0018 (issue 17): a consent the Excel import made up (binding version
    'import') is marked 'unproven', a signed one stays 'signed', and the gate's triggers on
    consent survive the new columns."""
    app = make_app(database_url, tmp_path / "data")
    with app.app_context():
        _empty()
        upgrade()
        triggers = _gate_triggers()
        world = build_world()
        registration = db.session.get(Registration, register_one(app, world))
        made_up = registration.consent_id
        db.session.remove()
        downgrade(revision="0016")
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE consent SET binding_version = 'import' WHERE id = :id"),
                         {"id": made_up})
            signed = conn.execute(sa.text("SELECT count(*) FROM consent WHERE id <> :id"),
                                  {"id": made_up}).scalar()
        upgrade()
        with db.engine.connect() as conn:
            kinds = dict(conn.execute(sa.text("SELECT kind, count(*) FROM consent GROUP BY kind")
                                      ).all())
        assert kinds == ({"unproven": 1, "signed": signed} if signed else {"unproven": 1})
        assert _gate_triggers() == triggers
        db.session.remove()
        _empty()
        db.engine.dispose()


def _archive_triggers() -> dict[str, str]:
    return {name: sql for name, sql in _triggers().items()
            if "archive_blob" in name or "archive_tail" in name}


def _triggers() -> dict[str, str]:
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            rows = conn.execute(sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        else:
            rows = conn.execute(sa.text(
                "SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
                " UNION ALL SELECT 'function ' || proname, prosrc FROM pg_proc"
                " WHERE pronamespace = current_schema()::regnamespace")).all()
    return dict(rows)


def test_the_archive_blob_triggers_come_with_the_migrations(database_url: str,
                                                            tmp_path: Path) -> None:
    """Migration 0020 makes the same write-once triggers on archive_blob and archive_tail as
    ``create_all``, and its downgrade takes them away with the tables."""
    app = make_app(database_url, tmp_path / "data")
    with app.app_context():
        _empty()
        db.create_all()
        created = _archive_triggers()
        assert {n for n in created if not n.startswith("function ")} == \
            ARCHIVE_TRIGGERS[db.engine.dialect.name]
        _empty()
        upgrade()
        assert _archive_triggers() == created
        downgrade(revision="0020-1")
        assert _archive_triggers() == {}
        tables = sa.inspect(db.engine).get_table_names()
        assert "archive_blob" not in tables and "archive_tail" not in tables
        upgrade()
        db.session.remove()
        _empty()
        db.engine.dispose()
