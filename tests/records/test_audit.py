"""The audit trail is append-only in effect: a changed, removed or inserted entry is caught."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from formapp.cli import cli
from formapp.extensions import db
from formapp.records.audit import (
    _lock_chain,
    log_event,
    person_key,
    record_head,
    verify_chain,
)
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


# An insider with database access (and, in the second half, the data directory too) tries to
# rewrite the trail the way the plain SHA-256 chain allowed; each attempt must be reported.

def _plain_hash(entry: AuditEntry, prev_hash: str) -> str:
    """What an attacker computes for an entry without formapp's keys: SHA-256 over the
    entry's canonical content (the format is public: it is in the source)."""
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
    body = {"at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": entry.actor_id, "actor": entry.actor, "action": entry.action,
            "subject": entry.subject, "why": entry.why, "forbund_id": entry.forbund_id,
            "person_key": entry.person_key, "details": entry.details, "prev_hash": prev_hash}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False)
                          .encode("utf-8")).hexdigest()


def _head_file(app: Flask) -> Path:
    return Path(app.config["FORMAPP_DATA_DIR"]) / "audit_head"


def _rechain_from(entry_id: int) -> int:
    """Recompute every hash from ``entry_id`` on with SHA-256 (the attacker has no key);
    returns the id of the last entry."""
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.id >= entry_id)
                              .order_by(AuditEntry.id)).all()
    previous = db.session.scalar(select(AuditEntry.hash).where(AuditEntry.id < entry_id)
                                 .order_by(AuditEntry.id.desc()).limit(1)) or "0" * 64
    for entry in rows:
        digest = _plain_hash(entry, previous)
        db.session.execute(update(AuditEntry).where(AuditEntry.id == entry.id)
                           .values(prev_hash=previous, hash=digest))
        previous = digest
    db.session.commit()
    return rows[-1].id


def _fails(app: Flask) -> str:
    result = app.test_cli_runner().invoke(cli, ["audit", "verify"])
    assert result.exit_code == 1, result.output
    return result.output


def test_a_changed_and_rechained_entry_is_caught(app: Flask) -> None:
    entries = _five_entries()
    _as_database_admin()
    db.session.execute(update(AuditEntry).where(AuditEntry.id == entries[2].id)
                       .values(why="inget"))
    last_id = _rechain_from(entries[2].id)
    last_hash = db.session.scalar(select(AuditEntry.hash).where(AuditEntry.id == last_id))
    _head_file(app).write_text(f"{last_id} {last_hash}\n", encoding="ascii")
    assert f"entry {entries[2].id}" in _fails(app)


def test_an_entry_appended_by_hand_is_caught(app: Flask) -> None:
    entries = _five_entries()
    _as_database_admin()
    forged = AuditEntry(id=entries[4].id + 1, at=entries[4].at, actor="system",
                        action="consent.withdrawn", subject="consent:x", why="", details="{}",
                        prev_hash=entries[4].hash)
    forged.hash = _plain_hash(forged, entries[4].hash)
    db.session.add(forged)
    db.session.commit()
    _head_file(app).write_text(f"{forged.id} {forged.hash}\n", encoding="ascii")
    assert f"entry {forged.id}" in _fails(app)


@pytest.mark.parametrize("head", ["plain", "keyed"])
def test_entries_cut_off_with_the_head_rewritten_are_caught(app: Flask, head: str) -> None:
    """``plain``: the head file written by hand; ``keyed``: rewritten by formapp's own
    ``record_head`` (someone who also holds the lookup keys): the sealed checkpoint that
    `formapp audit verify` wrote still names the entries that are gone."""
    entries = _five_entries()
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["audit", "verify"]).exit_code == 0  # writes a checkpoint
    _as_database_admin()
    db.session.execute(delete(AuditEntry).where(AuditEntry.id >= entries[3].id))
    db.session.commit()
    if head == "plain":
        _head_file(app).write_text(f"{entries[2].id} {entries[2].hash}\n", encoding="ascii")
    else:
        record_head()
    output = _fails(app)
    assert "checkpoint" in output and f"entry {entries[4].id}" in output


def test_every_entry_and_the_head_deleted_is_caught(app: Flask) -> None:
    """The first append of the day wrote a sealed checkpoint into the archive directory."""
    _five_entries()
    checkpoints = list((Path(app.config["FORMAPP_DATA_DIR"]) / "archive").rglob("*.p7m"))
    assert len(checkpoints) == 1
    _as_database_admin()
    db.session.execute(delete(AuditEntry))
    db.session.commit()
    _head_file(app).unlink()
    output = _fails(app)
    assert "0 entries" in output and "checkpoint" in output


def test_a_checkpoint_is_sealed_and_a_forged_one_is_reported(app: Flask) -> None:
    _five_entries()
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 0 and "checkpoint" in result.output
    directory = Path(app.config["FORMAPP_DATA_DIR"]) / "archive" / "audit-checkpoints"
    newest = sorted(directory.glob("*.p7m"))[-1]
    if shutil.which("openssl"):  # a plain CMS: checkable without formapp
        ca = Path(app.config["FORMAPP_DATA_DIR"]) / "keys" / "ca.pem"
        opened = subprocess.run(["openssl", "cms", "-verify", "-inform", "DER", "-in",
                                 str(newest), "-CAfile", str(ca), "-purpose", "any"],
                                capture_output=True, check=False)
        assert opened.returncode == 0, opened.stderr
        assert json.loads(opened.stdout)["entries"] == 5
    data = bytearray(newest.read_bytes())
    at = data.index(b'"entries": ')
    data[at + 11:at + 12] = b"9"
    (directory / "forged.p7m").write_bytes(bytes(data))
    assert "forged.p7m" in _fails(app)
