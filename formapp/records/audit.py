"""The audit trail: every view, export, change and deletion of personal data, chained and keyed.

``log_event`` adds an entry (flush only; the request's commit makes it permanent together with
what it describes). Each entry's hash is an HMAC, under a key that is not in the database
(``protection.chain_key``), of its content and the previous entry's hash. ``verify_chain``
recomputes them all: a changed entry no longer matches, a removed or inserted one breaks the
link to its neighbour, and nobody without the key can re-chain them. Two records outside the
database catch what a chain can not show about its own end:

* the head, ``audit_head`` in the data directory (last id and hash, with an HMAC), rewritten at
  every append: entries cut off the end;
* sealed checkpoints in the archive directory (``records.audit_checkpoints``): the first append
  of each day and every ``formapp audit verify`` seal the entry count and the last entry;
  entries cut or deleted even together with the head, or re-chained by someone who holds the
  lookup keys but not the seal key.

Entries written before the trail was keyed (``key_id`` NULL) keep their plain SHA-256; the
keyed entry after them covers their last hash, so they can no longer be re-chained either.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from formapp.documents.errors import DocumentError
from formapp.evidence import evidence
from formapp.extensions import db, listen_once
from formapp.protection.chain_key import chain_mac, current_key_id, has_key
from formapp.protection.lookup import audit_key
from formapp.records import audit_checkpoints as checkpoints
from formapp.records.audit_checkpoints import Head
from formapp.records.models import AuditEntry, User

GENESIS = "0" * 64
_HEAD_PENDING = "formapp.audit_head"
_DAILY_PENDING = "formapp.audit_daily_checkpoint"


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
    if entry.key_id is not None:  # unkeyed entries keep the body they were hashed with
        body["key_id"] = entry.key_id
    return json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")


def entry_hash(entry: AuditEntry) -> str:
    """What ``entry.hash`` must be: the HMAC under its key, or (before the trail was keyed)
    SHA-256. Empty when its key is not configured (it can not be checked)."""
    if entry.key_id is None:
        return hashlib.sha256(_canonical(entry)).hexdigest()
    if not has_key(entry.key_id):
        return ""
    return chain_mac(entry.key_id, _canonical(entry))


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
        prev_hash=last.hash if last else GENESIS, key_id=current_key_id())
    entry.hash = entry_hash(entry)
    db.session.add(entry)
    db.session.flush()
    session = db.session()
    session.info[_HEAD_PENDING] = (_head_path(), entry.id, entry.hash)
    day = entry.at.date()
    if checkpoints.due_today(day):
        try:
            tools = evidence()
        except DocumentError as exc:  # no seal: the entry still counts, the checkpoint waits
            current_app.logger.error("audit checkpoint not sealed: %s", exc)
            return entry
        # The lock is held: the count is the chain's up to this entry, whoever commits next.
        count = db.session.scalar(select(func.count(AuditEntry.id))) or 0
        session.info[_DAILY_PENDING] = (Head(count, entry.id, entry.hash), day, tools,
                                        checkpoints.directory())
    return entry


def _head_path() -> Path:
    return Path(current_app.config["FORMAPP_DATA_DIR"]) / "audit_head"


def _head_mac(key_id: str, entry_id: int, digest: str) -> str:
    return chain_mac(key_id, f"audit_head {entry_id} {digest}".encode("ascii"))


def _store_head(path: Path, entry_id: int, digest: str, *, forward_only: bool = False) -> None:
    """``<id> <hash> <key id> <HMAC>``: without the key the head can not be set to another
    entry (cutting the end and rewriting the head shows).

    Every worker of every node sharing the data directory writes it after its commit, and
    commits end in any order: under a lock on ``audit_head.lock``, each writer has its own
    temporary file (a shared one was truncated under another writer's feet, and its rename
    failed after the commit), and ``forward_only`` keeps a later entry's head from being
    overwritten by an earlier one's."""
    key_id = current_key_id()
    line = f"{entry_id} {digest} {key_id} {_head_mac(key_id, entry_id, digest)}\n"
    lock_fd = os.open(path.with_name(path.name + ".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        if forward_only and (_head_id(path) or 0) >= entry_id:
            return
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")  # 0600
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(line)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise
    finally:
        os.close(lock_fd)  # releases the lock


def _head_id(path: Path) -> int | None:
    """The entry id the head record names (unchecked), None without a readable one."""
    try:
        first = path.read_text(encoding="ascii", errors="replace").split(maxsplit=1)
    except FileNotFoundError:
        return None
    return int(first[0]) if first and first[0].isdecimal() else None


def store_head(entry_id: int, digest: str) -> None:
    """Write the head record for entry ``entry_id`` (a migration that appended one)."""
    _store_head(_head_path(), entry_id, digest)


def record_head() -> None:
    """Write the head record from the database's last entry (after a restore)."""
    last = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    if last is not None:
        store_head(last.id, last.hash)


def init_app(_app: Flask) -> None:
    """Write the head record (and a day's checkpoint) when a transaction that appended to the
    chain commits; forget it when it rolls back (every Session)."""
    listen_once(Session, "after_commit", _write_head)
    listen_once(Session, "after_rollback", _forget_head)


def _write_head(session: Session) -> None:
    pending = session.info.pop(_HEAD_PENDING, None)
    if pending is not None:
        _store_head(*pending, forward_only=True)
    daily = session.info.pop(_DAILY_PENDING, None)
    if daily is not None:
        checkpoints.write_daily(*daily)


def _forget_head(session: Session) -> None:
    session.info.pop(_HEAD_PENDING, None)
    session.info.pop(_DAILY_PENDING, None)


@dataclass(frozen=True)
class ChainReport:
    entries: int
    problems: tuple[str, ...]
    head: Head | None = None  # the chain's last entry, when it has one
    checkpoints: int = 0  # valid checkpoints compared

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_head(path: Path) -> tuple[int, str] | str:
    """(id, hash) from the head record, or why it can not be trusted."""
    fields = path.read_text(encoding="ascii", errors="replace").split()
    if len(fields) != 4 or not fields[0].isdecimal():
        return "the chain's head record (audit_head) is not one formapp wrote: it was rewritten"
    entry_id, digest, key_id, mac = fields
    if not has_key(key_id):
        return f"the chain's head record is keyed with lookup key {key_id!r}, which is not " \
               "configured: it can not be checked"
    if not hmac.compare_digest(mac, _head_mac(key_id, int(entry_id), digest)):
        return "the chain's head record (audit_head) does not carry formapp's MAC: it was " \
               "rewritten"
    return int(entry_id), digest


def _entry_problems(entry: AuditEntry, previous: str, keyed_before: bool) -> list[str]:
    problems = []
    if entry.prev_hash != previous:
        problems.append(f"entry {entry.id}: does not follow the entry before it "
                        "(an entry was removed or inserted here)")
    if entry.key_id is None and keyed_before:
        problems.append(f"entry {entry.id}: carries no MAC, but the entries before it do: it "
                        "was not written by formapp (inserted or rewritten)")
    elif entry.key_id is not None and not has_key(entry.key_id):
        problems.append(f"entry {entry.id}: keyed with lookup key {entry.key_id!r}, which is "
                        "not configured: it can not be checked")
    elif not hmac.compare_digest(entry_hash(entry), entry.hash):
        problems.append(f"entry {entry.id}: its content was changed after it was written (or "
                        "it was not written by formapp)")
    return problems


def verify_chain() -> ChainReport:
    problems: list[str] = []
    found = checkpoints.read_all()
    expected: dict[int, list[checkpoints.Checkpoint]] = {}
    for checkpoint in found:
        if checkpoint.head is None:
            problems.append(f"checkpoint {checkpoint.name}: {checkpoint.problem}")
        else:
            expected.setdefault(checkpoint.head.last_id, []).append(checkpoint)
    previous = GENESIS
    count = 0
    last_id = 0
    keyed = False
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)
                                 .execution_options(yield_per=1000))
    for entry in entries:
        count += 1
        problems += _entry_problems(entry, previous, keyed)
        keyed = keyed or entry.key_id is not None
        for checkpoint in expected.pop(entry.id, ()):
            head = checkpoint.head
            assert head is not None
            if head.last_hash != entry.hash:
                problems.append(f"checkpoint {checkpoint.name}: entry {entry.id} is not the "
                                "one it sealed (the chain was rewritten up to here)")
            if head.entries != count:
                problems.append(f"checkpoint {checkpoint.name}: entry {entry.id} was entry "
                                f"number {head.entries}, now it is number {count}: entries "
                                "before it were removed or inserted")
        previous = entry.hash
        last_id = entry.id
    for waiting in expected.values():
        for checkpoint in waiting:
            head = checkpoint.head
            assert head is not None
            problems.append(f"checkpoint {checkpoint.name} ({checkpoint.written_at}): entry "
                            f"{head.last_id}, number {head.entries} of the chain, is not in "
                            "the database: entries were removed")
    problems += _head_problems(count, last_id, previous)
    head = Head(count, last_id, previous) if count else None
    valid = sum(c.head is not None for c in found)
    return ChainReport(count, tuple(problems), head, valid)


def _head_problems(count: int, last_id: int, last_hash: str) -> list[str]:
    path = _head_path()
    if not path.exists():
        return ["the chain's head record (audit_head in the data directory) is missing"] \
            if count else []
    head = _read_head(path)
    if isinstance(head, str):
        return [head]
    head_id, head_hash = head
    if head_id > last_id or (head_id == last_id and head_hash != last_hash):
        return [f"the chain ends at entry {last_id}, but entry {head_id} was written: entries "
                "were removed from the end"]
    return []


def checkpoint(report: ChainReport) -> Path | None:
    """Seal the head of a chain that verified (``formapp audit verify``)."""
    if not report.ok or report.head is None:
        return None
    return checkpoints.write(report.head, "verify")
