"""The audit trail: every view, export, change and deletion of personal data, hash-chained.

``log_event`` adds an entry (flush only; the request's commit makes it permanent together with
what it describes). ``verify_chain`` recomputes every hash: a changed entry no longer matches
its hash, a removed or inserted one breaks the link to its neighbour, and the chain's head is
also kept outside the database (``audit_head`` in the data directory), so cutting entries off
the end is caught too.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from formapp.extensions import db
from formapp.protection.lookup import audit_key
from formapp.records.models import AuditEntry, User

GENESIS = "0" * 64
_HEAD_PENDING = "formapp.audit_head"


def person_key(personnummer: str) -> str:
    """A keyed hash of a personnummer: finds a person's entries without storing the number."""
    return audit_key(personnummer)


def _canonical(entry: AuditEntry) -> bytes:
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
    body = {"at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": entry.actor_id, "actor": entry.actor, "action": entry.action,
            "subject": entry.subject, "why": entry.why, "forbund_id": entry.forbund_id,
            "person_key": entry.person_key, "details": entry.details,
            "prev_hash": entry.prev_hash}
    return json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _lock_chain() -> None:
    """One writer at a time appends, from reading the last entry to committing the new one.

    PostgreSQL: an advisory lock. SQLite serialises writes, but its driver starts the
    transaction only at the first write, so a view's audit (often a request's only write)
    could read the last entry, lose the race to the other worker's append and fork the chain;
    an update of no rows takes the write lock first."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(4943)"))
    elif dialect == "sqlite":
        db.session.execute(text("UPDATE audit_entry SET id = id WHERE 0"))


def log_event(*, actor: User | None, action: str, subject: str, why: str = "",
              forbund_id: int | None = None, personnummer: str | None = None,
              details: Mapping[str, Any] | None = None) -> AuditEntry:
    """Append an entry; flushed, committed with the request's work."""
    _lock_chain()
    last = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        at=datetime.now(UTC),
        actor_id=actor.id if actor else None,
        actor=f"{actor.full_name} <{actor.email}>" if actor else "system",
        action=action, subject=subject[:200], why=why,
        forbund_id=forbund_id if forbund_id is not None else (actor.forbund_id if actor else None),
        person_key=person_key(personnummer) if personnummer else None,
        details=json.dumps(dict(details or {}), sort_keys=True, ensure_ascii=False, default=str),
        prev_hash=last.hash if last else GENESIS)
    entry.hash = entry_hash(entry)
    db.session.add(entry)
    db.session.flush()
    session = db.session()
    session.info[_HEAD_PENDING] = (_head_path(), entry.id, entry.hash)
    return entry


def _head_path() -> Path:
    return Path(current_app.config["FORMAPP_DATA_DIR"]) / "audit_head"


def _store_head(path: Path, entry_id: int, digest: str) -> None:
    temp = path.with_suffix(".tmp")
    temp.write_text(f"{entry_id} {digest}\n", encoding="ascii")
    os.replace(temp, path)


def record_head() -> None:
    """Write the head record from the database's last entry (after a restore)."""
    last = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    if last is not None:
        _store_head(_head_path(), last.id, last.hash)


@event.listens_for(Session, "after_commit")
def _write_head(session: Session) -> None:
    pending = session.info.pop(_HEAD_PENDING, None)
    if pending is not None:
        _store_head(*pending)


@event.listens_for(Session, "after_rollback")
def _forget_head(session: Session) -> None:
    session.info.pop(_HEAD_PENDING, None)


@dataclass(frozen=True)
class ChainReport:
    entries: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain() -> ChainReport:
    problems: list[str] = []
    previous = GENESIS
    count = 0
    last_id = 0
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)
                                 .execution_options(yield_per=1000))
    for entry in entries:
        count += 1
        if entry.prev_hash != previous:
            problems.append(f"entry {entry.id}: does not follow the entry before it "
                            "(an entry was removed or inserted here)")
        if entry_hash(entry) != entry.hash:
            problems.append(f"entry {entry.id}: its content was changed after it was written")
        previous = entry.hash
        last_id = entry.id
    head = _head_path()
    if head.exists():
        head_id, _, head_hash = head.read_text(encoding="ascii").strip().partition(" ")
        if int(head_id) > last_id or (int(head_id) == last_id and head_hash != previous):
            problems.append(f"the chain ends at entry {last_id}, but entry {head_id} was "
                            "written: entries were removed from the end")
    elif count:
        problems.append("the chain's head record (audit_head in the data directory) is missing")
    return ChainReport(count, tuple(problems))
