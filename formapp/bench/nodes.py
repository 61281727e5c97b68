"""``formapp bench load --nodes 2``: two app nodes behind a round-robin proxy, one killed.

Tested as it would fail (issue 22): two formapp nodes (a gunicorn each, its own port) on one
PostgreSQL and one data directory, behind ``formapp.bench.proxy``; officers take consents
through the proxy as in ``formapp bench load``, and part-way through one node (its master and
workers) gets SIGKILL. The driver retries every failed step the way a tablet's user would
press again, and the retry is safe because the signature POST is idempotent per consent draft
(``draft_token_sha256``): a retry of a signature that committed on the dead node gets the same
consent back from the live one. Every attempt has a personnummer of its own, the driver's key:
two consents for one person are a duplicate.

After the run (both nodes stopped) the database and the archive are checked:

* ``lost``: consents the driver saw succeed (their id, read from the session cookie the
  server signed) without their row, their archive record or their PDF;
* ``duplicated``: more than one consent for one attempt's person;
* ``orphans``: archive records without their file or files without a record, after what an
  operator runs after a crash (``formapp maintenance``: staged files finished or dropped);
* ``errors``: every client error, each either retried or ending its attempt (``abandoned``);
* the audit chain verified (``verify_chain``, as ``formapp audit verify``), and every consent
  has its ``consent.signed`` entry.

Only the archive's interface is used (``evidence().archive``), so the check holds for any
archive backend the nodes are configured with (``FORMAPP_ARCHIVE_BACKEND`` is passed on).
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from formapp.archive_check import maintain
from formapp.bench.consent_cases import SIGNATURE
from formapp.bench.environment import OFFICER, personnummer_stream, scratch_database
from formapp.bench.load import (
    MAX_SECONDS,
    _CookieSigner,
    _free_port,
    _Officer,
    _prepare,
    wait_until_healthy,
)
from formapp.demo import DEMO_PASSWORD
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.audit import verify_chain
from formapp.records.models import ArchivedDocument, AuditEntry, Consent
from formapp.web.handover import HANDOVER_KEY
from formapp.webclient import shown_texts

RETRIES = 20  # tries of one step before the attempt is abandoned (about 10 s of failures)
BACKOFF = 0.5


@dataclass
class _Attempt:
    personnummer: str
    consent_id: str | None = None  # set once the driver saw the consent succeed


@dataclass
class NodesResult:
    seconds: float
    users: int
    workers: int  # per node
    killed_after_s: float
    attempts: list[_Attempt] = field(default_factory=list)
    error_kinds: Counter[str] = field(default_factory=Counter)
    retried: int = 0  # errors followed by another try of the same step
    abandoned: int = 0  # attempts given up after RETRIES failed tries of one step
    lost: list[str] = field(default_factory=list)
    duplicated: int = 0
    committed_unconfirmed: int = 0  # committed, but the driver gave up before it saw so
    orphans: list[str] = field(default_factory=list)
    orphans_before_maintenance: int = 0
    maintenance: list[str] = field(default_factory=list)
    audit_entries: int = 0
    audit_problems: list[str] = field(default_factory=list)
    unaudited: int = 0  # consents without their consent.signed entry
    sign_ms: list[float] = field(default_factory=list)
    signing: int = 0  # signature POSTs in flight (the kill waits for some)
    signing_at_kill: int = 0

    name = "load_two_nodes"

    @property
    def consents(self) -> int:
        return sum(a.consent_id is not None for a in self.attempts)

    @property
    def errors(self) -> int:
        return sum(self.error_kinds.values())

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.orphans or self.audit_problems
                    or self.unaudited or self.abandoned or not self.accounted)

    @property
    def accounted(self) -> bool:
        """Every error was retried or ended its attempt; every attempt succeeded or ended."""
        return (self.errors == self.retried + self.abandoned
                and len(self.attempts) == self.consents + self.abandoned)

    def as_json(self) -> dict[str, Any]:
        ordered = sorted(self.sign_ms)
        return {
            "consents": self.consents,
            "lost": len(self.lost),
            "duplicated": self.duplicated,
            "orphans": len(self.orphans),
            "errors": self.errors,
            "errors_retried": self.retried,
            "errors_by_kind": dict(self.error_kinds.most_common()),
            "attempts": len(self.attempts),
            "abandoned": self.abandoned,
            "committed_unconfirmed": self.committed_unconfirmed,
            "accounted": self.accounted,
            "audit_chain_ok": not self.audit_problems,
            "audit_entries_checked": self.audit_entries,
            "consents_without_audit_entry": self.unaudited,
            "orphans_before_maintenance": self.orphans_before_maintenance,
            "maintenance": self.maintenance,
            "consents_per_s": round(self.consents / self.seconds, 2) if self.seconds else 0,
            "sign_p50_ms": round(ordered[len(ordered) // 2], 1) if ordered else None,
            "sign_max_ms": round(ordered[-1], 1) if ordered else None,
            "seconds": round(self.seconds, 1),
            "killed_after_s": round(self.killed_after_s, 1),
            "signatures_in_flight_at_kill": self.signing_at_kill,
            "nodes": 2,
            "workers_per_node": self.workers,
            "users": self.users,
            "database": "postgresql",
            "problems": (self.lost + self.orphans + self.audit_problems)[:10],
        }

    def lines(self) -> list[str]:
        data = self.as_json()
        return [
            f"load --nodes 2: {data['consents']} consents in {data['seconds']} s through a "
            f"round-robin proxy, node 2 killed (SIGKILL) after {data['killed_after_s']} s "
            f"with {data['signatures_in_flight_at_kill']} signatures in flight "
            f"({self.workers} worker(s) a node, {self.users} officers, PostgreSQL)",
            f"  lost {data['lost']}, duplicated {data['duplicated']}, orphans "
            f"{data['orphans']} (before `formapp maintenance`: "
            f"{data['orphans_before_maintenance']}), audit chain "
            f"{'intact' if data['audit_chain_ok'] else 'BROKEN'} "
            f"({data['audit_entries_checked']} entries), consents without their audit entry "
            f"{data['consents_without_audit_entry']}",
            f"  errors {data['errors']}: {data['errors_retried']} retried, "
            f"{data['abandoned']} attempts abandoned; accounted for: {data['accounted']} "
            f"{data['errors_by_kind'] or ''}",
            f"  signature POST p50 {data['sign_p50_ms']} ms, slowest {data['sign_max_ms']} ms "
            "(the slowest waited for the dead node)",
            *[f"    {problem}" for problem in data["problems"]],
        ]

    def line(self) -> str:
        data = self.as_json()
        return (f"{self.name:22} {data['consents']} consents, lost {data['lost']}, duplicated "
                f"{data['duplicated']}, orphans {data['orphans']}, errors {data['errors']} "
                f"({data['errors_retried']} retried), audit chain "
                f"{'intact' if data['audit_chain_ok'] else 'BROKEN'}")


class _Abandoned(Exception):
    pass


class _Driver:
    """One officer's tablet through the proxy, retrying each failed step."""

    def __init__(self, officer: _Officer, cookies: _CookieSigner, result: NodesResult,
                 lock: threading.Lock) -> None:
        self.officer = officer
        self.cookies = cookies
        self.result = result
        self.lock = lock

    def _step(self, what: str, method: str, path: str, form: dict[str, str] | None,
              done: str) -> tuple[dict[str, str], str]:
        """The step until it answers as it should (a redirect to a path ending ``done``, or
        200 when ``done`` is empty); each failure is counted, then retried or abandoned."""
        for tries in range(1, RETRIES + 1):
            try:
                status, headers, text = self.officer.request(method, path, form)
            except (OSError, http.client.HTTPException) as exc:
                kind = f"{what}: {type(exc).__name__}"
            else:
                if (status == 302 and headers.get("location", "").endswith(done)) if done \
                        else status == 200:
                    return headers, text
                kind = f"{what}: HTTP {status}"
            with self.lock:
                self.result.error_kinds[kind] += 1
                if tries == RETRIES:
                    self.result.abandoned += 1
                else:
                    self.result.retried += 1
            if tries == RETRIES:
                raise _Abandoned(kind)
            time.sleep(BACKOFF)
        raise AssertionError("unreachable")

    def take_consent(self, insats_id: int, attempt: _Attempt) -> None:
        headers, _ = self._step("start", "POST", f"/insatser/{insats_id}/samtycke", {
            "skyddad_identitet": "nej", "personnummer": attempt.personnummer,
            "place": "Lasttest"}, "/sprak")
        sign_path = urllib.parse.urlsplit(headers["location"]).path.removesuffix("sprak") + "sv"
        _, page = self._step("read", "GET", sign_path, None, "")
        started = time.perf_counter()
        with self.lock:
            self.result.signing += 1
        # A retry after the node died mid-signature: committed there, the live node answers
        # with that consent (same draft); not committed, it signs now.
        try:
            self._step("sign", "POST", sign_path, {
                "confirmed": "y", "name": "Lasttest Testperson", "signature": SIGNATURE,
                "texts": shown_texts(page)}, "/deltagare/klart")
        finally:
            with self.lock:
                self.result.signing -= 1
        elapsed = (time.perf_counter() - started) * 1000
        state = self.cookies.serializer.loads(self.officer.session).get(HANDOVER_KEY) or {}
        attempt.consent_id = state.get("consent")
        self.officer.session = self.cookies.without_handover(self.officer.session)
        with self.lock:
            self.result.sign_ms.append(elapsed)


@contextmanager
def node(env: dict[str, str], port: int, workers: int) -> Iterator[subprocess.Popen]:
    """One app node: gunicorn in a process group of its own (SIGKILL takes master and
    workers at once, as a machine failing would)."""
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
               f"127.0.0.1:{port}", "--log-level", "critical", "formapp.app:create_app()"]
    process = subprocess.Popen(command, env=env, start_new_session=True)
    try:
        wait_until_healthy(port, process, "gunicorn")
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextmanager
def proxy(port: int, backends: list[int]) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen([sys.executable, "-m", "formapp.bench.proxy", str(port),
                                *map(str, backends)])
    try:
        wait_until_healthy(port, process, "the proxy")
        yield process
    finally:
        process.terminate()
        process.wait()


def run_two_nodes(database_url: str, seconds: float = 30, users: int = 4, workers: int = 1,
                  kill_after: float | None = None) -> NodesResult:
    """Consents through the proxy for ``seconds``; node 2 gets SIGKILL after ``kill_after``
    seconds (default: 40 % of the run); then the checks."""
    seconds = min(seconds, MAX_SECONDS)
    kill_after = seconds * 0.4 if kill_after is None else kill_after
    with tempfile.TemporaryDirectory(prefix="formapp-nodes-") as tmp, \
            scratch_database(Path(tmp), database_url) as url:
        data_dir = Path(tmp)  # shared: both nodes run on this machine (README: two nodes)
        env = {**os.environ, "FORMAPP_ENV": "development", "FORMAPP_DATA_DIR": str(data_dir),
               "FORMAPP_DATABASE_URL": url, "FORMAPP_SECRET_KEY": os.urandom(24).hex(),
               "FORMAPP_REQUIRE_SECOND_FACTOR": "0"}
        app, insats_id = _prepare(data_dir, env)
        cookies = _CookieSigner(app)
        result = NodesResult(0.0, users, workers, kill_after)
        ports = [_free_port(), _free_port()]
        front = _free_port()
        with node(env, ports[0], workers), node(env, ports[1], workers) as doomed, \
                proxy(front, ports):
            _drive(front, cookies, insats_id, result, seconds, doomed)
        _check(app, result)
        return result


def _drive(front: int, cookies: _CookieSigner, insats_id: int, result: NodesResult,
           seconds: float, doomed: subprocess.Popen) -> None:
    officers = [_Officer(front, cookies) for _ in range(result.users)]
    for officer in officers:
        officer.login(OFFICER, DEMO_PASSWORD)
    numbers = personnummer_stream()
    lock = threading.Lock()
    begin = time.monotonic()
    stop_at = begin + seconds

    def drive(officer: _Officer) -> None:
        driver = _Driver(officer, cookies, result, lock)
        while time.monotonic() < stop_at:
            with lock:
                attempt = _Attempt(next(numbers))
                result.attempts.append(attempt)
            try:
                driver.take_consent(insats_id, attempt)
            except _Abandoned:
                officer.session = cookies.without_handover(officer.session)

    threads = [threading.Thread(target=drive, args=(o,), daemon=True) for o in officers]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, begin + result.killed_after_s - time.monotonic()))
    # The case that matters most: signatures in flight, some on the node that dies (round
    # robin sends about half there). Wait a little for most officers to be signing.
    wait_until = time.monotonic() + 5
    while result.signing < max(1, result.users - 1) and time.monotonic() < wait_until:
        time.sleep(0.005)
    result.signing_at_kill = result.signing
    os.killpg(doomed.pid, signal.SIGKILL)
    result.killed_after_s = time.monotonic() - begin
    doomed.wait()
    for thread in threads:
        thread.join(timeout=seconds + RETRIES * (BACKOFF + 60))
    result.seconds = time.monotonic() - begin


def _check(app: Flask, result: NodesResult) -> None:
    with app.app_context():
        archive = evidence().archive
        result.orphans_before_maintenance = len(_orphans(archive))
        result.maintenance = [f.message for f in maintain(min_age_seconds=0)]
        result.orphans = _orphans(archive)
        consents = {c.id: c for c in db.session.scalars(select(Consent))}
        records = set(db.session.scalars(select(ArchivedDocument.sha256)))
        for attempt in result.attempts:
            if attempt.consent_id is None:
                continue
            consent = consents.get(attempt.consent_id)
            if consent is None:
                result.lost.append(f"consent {attempt.consent_id}: no row")
            elif consent.pdf_sha256 not in records or not archive.exists(consent.pdf_sha256):
                result.lost.append(f"consent {attempt.consent_id}: its PDF is not archived")
            elif consent.person.personnummer != attempt.personnummer.replace("-", ""):
                result.lost.append(f"consent {attempt.consent_id}: another person's")
        ours = {a.personnummer.replace("-", ""): a for a in result.attempts}
        per_person = Counter(c.person.personnummer for c in consents.values()
                             if c.person.personnummer in ours)
        result.duplicated = sum(n - 1 for n in per_person.values())
        result.committed_unconfirmed = sum(ours[p].consent_id is None for p in per_person)
        audited = {s.removeprefix("consent:") for s in db.session.scalars(
            select(AuditEntry.subject).where(AuditEntry.action == "consent.signed"))}
        result.unaudited = len(set(consents) - audited)
        report = verify_chain()
        result.audit_entries = report.entries
        result.audit_problems = [f"audit chain: {p}" for p in report.problems]
        db.session.remove()
        db.engine.dispose()


def _orphans(archive: Any) -> list[str]:
    """Records without their file and files without a record (``verify --all``'s check)."""
    records = set(db.session.scalars(select(ArchivedDocument.sha256)))
    found = set(archive.digests())
    return [f"orphan record {d}: no file" for d in sorted(records - found)] + \
        [f"orphan file {d}: no record" for d in sorted(found - records)]
