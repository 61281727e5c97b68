"""The audit trail is append-only in effect: a changed, removed or inserted entry is caught."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from formapp.cli import cli
from formapp.extensions import db
from formapp.records.audit import _lock_chain, log_event, person_key, verify_chain
from formapp.records.models import AUDIT_APPEND_ONLY_DDL, AuditEntry
from tests.world import build_world


def _drop_triggers() -> None:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry"))
    else:
        db.session.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_update"))
        db.session.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_delete"))


def _as_database_admin() -> None:
    """What only a database administrator can do: take away the append-only triggers."""
    _drop_triggers()


@pytest.fixture(autouse=True)
def _triggers_back(app: Flask) -> Iterator[None]:
    """The PostgreSQL schema is shared by the run: put the triggers back for the next test."""
    yield
    db.session.rollback()
    _drop_triggers()
    for statement in AUDIT_APPEND_ONLY_DDL[db.engine.dialect.name]:
        db.session.execute(text(statement))
    db.session.commit()


def test_the_database_refuses_to_change_or_delete_entries(app: Flask) -> None:
    entries = _five_entries()
    for statement in (update(AuditEntry).values(why="x"), delete(AuditEntry)):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(statement.where(AuditEntry.id == entries[0].id))
        db.session.rollback()
    assert verify_chain().ok


def _five_entries() -> list[AuditEntry]:
    world = build_world()
    actor = world.users["deltagaransvarig"]
    entries = [log_event(actor=actor, action="consent.view", subject=f"consent:{n}",
                         why="uppföljning", personnummer="191212121212",
                         details={"n": n}) for n in range(5)]
    db.session.commit()
    return entries


def test_a_clean_chain_verifies(app: Flask) -> None:
    entries = _five_entries()
    report = verify_chain()
    assert report.ok and report.entries == 5
    assert entries[0].prev_hash == "0" * 64 and entries[1].prev_hash == entries[0].hash
    assert entries[0].person_key == person_key("191212121212") != "191212121212"
    result = app.test_cli_runner().invoke(cli, ["audit", "verify"])
    assert result.exit_code == 0 and "5 entries" in result.output


def test_a_changed_entry_is_caught(app: Flask) -> None:
    entries = _five_entries()
    _as_database_admin()
    db.session.execute(update(AuditEntry).where(AuditEntry.id == entries[2].id)
                       .values(why="inget"))
    db.session.commit()
    report = verify_chain()
    assert not report.ok and any(f"entry {entries[2].id}: its content" in p
                                 for p in report.problems)
    assert app.test_cli_runner().invoke(cli, ["audit", "verify"]).exit_code == 1


def test_a_removed_entry_is_caught(app: Flask) -> None:
    entries = _five_entries()
    _as_database_admin()
    db.session.execute(delete(AuditEntry).where(AuditEntry.id == entries[1].id))
    db.session.commit()
    report = verify_chain()
    assert any(f"entry {entries[2].id}: does not follow" in p for p in report.problems)


def test_an_inserted_entry_is_caught(app: Flask) -> None:
    entries = _five_entries()
    _as_database_admin()
    forged = AuditEntry(id=entries[4].id + 100, at=entries[4].at, actor="x", action="x",
                        subject="x", why="", details="{}", prev_hash="f" * 64, hash="e" * 64)
    db.session.add(forged)
    db.session.commit()
    assert not verify_chain().ok


def test_entries_cut_from_the_end_are_caught(app: Flask) -> None:
    entries = _five_entries()
    _as_database_admin()
    db.session.execute(delete(AuditEntry).where(AuditEntry.id >= entries[3].id))
    db.session.commit()
    report = verify_chain()
    assert any("removed from the end" in p for p in report.problems)
    assert db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) \
        == entries[2].id


def test_an_append_holds_the_chain_until_it_commits(app: Flask) -> None:
    """Two workers appending at once must not both follow the same last entry (a fork): the
    lock is taken before the last entry is read (on SQLite the driver would start the
    transaction only at the insert, after the read) and held until the commit."""
    _lock_chain()  # what log_event does first
    with db.engine.connect() as other:
        if other.dialect.name == "postgresql":
            assert other.scalar(text("SELECT pg_try_advisory_xact_lock(4943)")) is False
        else:
            other.exec_driver_sql("PRAGMA busy_timeout = 100")
            with pytest.raises(DBAPIError, match="locked"):
                other.execute(text("UPDATE audit_entry SET id = id WHERE 0"))
        other.rollback()
    log_event(actor=None, action="test.first", subject="chain")
    db.session.commit()
    log_event(actor=None, action="test.second", subject="chain")
    db.session.commit()
    assert verify_chain().ok
