"""``formapp bench load``: sealed consents per second from formapp served by gunicorn.

A loopback driver, bounded in time and in requests: it makes a throw-away data directory (demo
data, the demo seal, the web fonts), starts ``gunicorn --workers 2`` on 127.0.0.1, logs a few
officers in, and has each of them take consents as the tablet does, for ``seconds``:

1. the officer's POST that starts a consent (personnummer, ort) — a new person each time;
2. the participant's POST with the drawn signature (the real form, CSRF token included), which
   renders, seals and archives the PDF/A and commits: this is the consent being timed.

The hand-back (the officer's password, an Argon2 check made slow on purpose) is left out, as in
``formapp bench``: the driver drops the hand-over from the session cookie, signed with the
server's own key, so the next consent can start. Only loopback traffic; it stops by itself.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from formapp.app import create_app
from formapp.bench.consent_cases import SIGNATURE
from formapp.bench.environment import OFFICER, personnummer_stream, scratch_database
from formapp.clock import today
from formapp.demo import DEMO_PASSWORD, load_demo
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.audit import verify_chain
from formapp.records.models import Insats, Role, User
from formapp.translation.webfonts import build_webfonts, webfont_dir
from formapp.web.handover import HANDOVER_KEY
from formapp.webclient import shown_texts

MAX_SECONDS = 600
MAX_REQUESTS = 200_000
_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@dataclass
class LoadResult:
    seconds: float
    users: int
    workers: int
    database: str
    consents: int = 0
    errors: int = 0
    sign_ms: list[float] = field(default_factory=list)
    start_ms: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    server_cpu_s: float = 0.0  # the workers' CPU time over the measured seconds
    driver_cpu_s: float = 0.0  # this process's (the load driver's) over the same seconds
    audit_entries: int = 0  # checked after the run (verify_chain)

    @staticmethod
    def _pct(samples: list[float], q: float) -> float:
        if not samples:
            return 0.0
        ordered = sorted(samples)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    @property
    def cpu_per_consent_ms(self) -> float:
        return 1000 * self.server_cpu_s / self.consents if self.consents else 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "consents_per_s": round(self.consents / self.seconds, 2),
            "consents": self.consents,
            "errors": self.errors,
            "audit_entries_checked": self.audit_entries,
            "seconds": round(self.seconds, 1),
            # Noise-free: what one consent (start + signature) costs the workers in CPU, and
            # so what two idle cores could sustain.
            "server_cpu_ms_per_consent": round(self.cpu_per_consent_ms, 1),
            "capacity_2_cores_per_s": round(2000 / self.cpu_per_consent_ms, 1)
            if self.cpu_per_consent_ms else None,
            # The driver shares the two cores: what it takes is not there for the workers.
            "driver_cpu_ms_per_consent": round(1000 * self.driver_cpu_s / self.consents, 1)
            if self.consents else None,
            "p50_ms": round(self._pct(self.sign_ms, 0.50), 1),
            "p99_ms": round(self._pct(self.sign_ms, 0.99), 1),
            "start_p50_ms": round(self._pct(self.start_ms, 0.50), 1),
            "start_p99_ms": round(self._pct(self.start_ms, 0.99), 1),
            "users": self.users,
            "workers": self.workers,
            "database": self.database,
        }

    def lines(self) -> list[str]:
        data = self.as_json()
        lines = [
            f"load: {data['consents']} sealed consents in {data['seconds']} s = "
            f"{data['consents_per_s']} consents/s ({self.workers} gunicorn workers, "
            f"{self.users} officers, {self.database})",
            f"  signature POST (sealed, archived, committed): p50 {data['p50_ms']} ms, "
            f"p99 {data['p99_ms']} ms",
            f"  server CPU per consent: {data['server_cpu_ms_per_consent']} ms "
            f"(two idle cores: {data['capacity_2_cores_per_s']} consents/s); the load "
            f"driver's own: {data['driver_cpu_ms_per_consent']} ms",
            f"  start POST: p50 {data['start_p50_ms']} ms, p99 {data['start_p99_ms']} ms",
            f"  errors: {self.errors} (audit chain checked after the run: "
            f"{self.audit_entries} entries)",
        ]
        lines += [f"    {sample}" for sample in self.error_samples[:5]]
        return lines


class _Officer:
    """One officer's browser over HTTP: cookie, CSRF token, the real forms."""

    def __init__(self, port: int, cookies: _CookieSigner) -> None:
        self.port = port
        self.cookies = cookies
        self.session = ""
        self.token = ""

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": f"session={self.session}"} if self.session else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode({"csrf_token": self.token, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            found = {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            if name == "session":
                self.session = rest.split(";", 1)[0]
        match = _TOKEN.search(text)
        if match:
            self.token = match.group(1)
        return response.status, found, text

    def login(self, email: str, password: str) -> None:
        self.request("GET", "/login")
        status, _, _ = self.request("POST", "/login", {"email": email, "password": password})
        if status != 302:
            raise RuntimeError(f"login as {email} failed: HTTP {status}")
        self.request("GET", "/")

    def take_consent(self, insats_id: int, personnummer: str, result: LoadResult,
                     lock: threading.Lock) -> None:
        started = time.perf_counter()
        status, headers, text = self.request("POST", f"/insatser/{insats_id}/samtycke", {
            "skyddad_identitet": "nej", "personnummer": personnummer, "place": "Lasttest"})
        start_ms = (time.perf_counter() - started) * 1000
        if status != 302 or not headers.get("location", "").endswith("/sprak"):
            self._error(result, lock, f"start: HTTP {status} {text[-200:]!r}")
            return
        sign_path = urllib.parse.urlsplit(headers["location"]).path.removesuffix("sprak") + "sv"
        # The tablet shows the text (untimed); the signature carries the versions it showed.
        _, _, page = self.request("GET", sign_path)
        started = time.perf_counter()
        status, headers, text = self.request("POST", sign_path, {
            "confirmed": "y", "name": "Lasttest Testperson", "signature": SIGNATURE,
            "texts": shown_texts(page)})
        sign_ms = (time.perf_counter() - started) * 1000
        if status != 302 or not headers.get("location", "").endswith("/deltagare/klart"):
            self._error(result, lock, f"sign: HTTP {status} {text[-200:]!r}")
            return
        self.session = self.cookies.without_handover(self.session)
        with lock:
            result.consents += 1
            result.start_ms.append(start_ms)
            result.sign_ms.append(sign_ms)

    @staticmethod
    def _error(result: LoadResult, lock: threading.Lock, what: str) -> None:
        with lock:
            result.errors += 1
            result.error_samples.append(what)


class _CookieSigner:
    """Reads and re-signs the server's session cookie (the driver knows its secret)."""

    def __init__(self, app: Flask) -> None:
        serializer = SecureCookieSessionInterface().get_signing_serializer(app)
        assert serializer is not None
        self.serializer = serializer

    def without_handover(self, cookie: str) -> str:
        data = self.serializer.loads(cookie)
        data.pop(HANDOVER_KEY, None)
        return self.serializer.dumps(data)


def _cpu_seconds(master: int) -> float:
    """User + system CPU of the gunicorn master's worker processes (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    total = 0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(data_dir: Path, env: dict[str, str]) -> tuple[Flask, int]:
    """Schema, demo data, the demo seal and the web fonts, made once before the workers
    start (so two workers never race to create them)."""
    app = create_app({"FORMAPP_ENV": "development", "FORMAPP_DATA_DIR": str(data_dir),
                      "SECRET_KEY": env["FORMAPP_SECRET_KEY"],
                      "SQLALCHEMY_DATABASE_URI": env["FORMAPP_DATABASE_URL"]})
    with app.app_context():
        db.create_all()
        load_demo(today())
        db.session.commit()
        officer = db.session.scalar(db.select(User).where(User.email == OFFICER))
        insats: Insats = next(g.insats for g in officer.grants
                              if g.role == Role.DELTAGARANSVARIG)
        evidence()
        build_webfonts(webfont_dir(app.config))
        insats_id = insats.id
        db.session.remove()
        db.engine.dispose()
    return app, insats_id


def wait_until_healthy(port: int, process: subprocess.Popen, what: str) -> None:
    """Until ``/healthz`` on 127.0.0.1:``port`` answers 200 (a minute at most), or ``process``
    (``what``) exits."""
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int) -> Iterator[subprocess.Popen]:
    """formapp under gunicorn on 127.0.0.1:``port``, stopped (SIGTERM) on the way out."""
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
               f"127.0.0.1:{port}", "--log-level", "warning", "formapp.app:create_app()"]
    process = subprocess.Popen(command, env=env)
    try:
        wait_until_healthy(port, process, "gunicorn")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_load(seconds: float = 60, users: int = 4, workers: int = 2,
             database_url: str | None = None, warmup: float = 3.0) -> LoadResult:
    """Sealed consents against gunicorn for ``seconds`` (after ``warmup`` untimed seconds)."""
    seconds = min(seconds, MAX_SECONDS)
    with tempfile.TemporaryDirectory(prefix="formapp-load-") as tmp, \
            scratch_database(Path(tmp), database_url) as url:
        data_dir = Path(tmp)
        # The bench's officers log in with the password alone (second factor relaxed, as
        # only development may).
        env = {**os.environ, "FORMAPP_ENV": "development", "FORMAPP_DATA_DIR": str(data_dir),
               "FORMAPP_DATABASE_URL": url, "FORMAPP_SECRET_KEY": os.urandom(24).hex(),
               "FORMAPP_REQUIRE_SECOND_FACTOR": "0"}
        app, insats_id = _prepare(data_dir, env)
        cookies = _CookieSigner(app)
        port = _free_port()
        result = LoadResult(0.0, users, workers, url.split(":", 1)[0].split("+", 1)[0])
        with gunicorn(env, port, workers) as server:
            officers = [_Officer(port, cookies) for _ in range(users)]
            for officer in officers:
                officer.login(OFFICER, DEMO_PASSWORD)
            numbers = personnummer_stream()
            numbers_lock = threading.Lock()
            lock = threading.Lock()
            warm = LoadResult(0.0, users, workers, result.database)  # discarded
            begin = time.monotonic()
            stop_at = begin + warmup + seconds
            measured_from = begin + warmup
            sent = [0]

            def drive(officer: _Officer) -> None:
                while time.monotonic() < stop_at:
                    with numbers_lock:
                        if sent[0] >= MAX_REQUESTS:
                            return
                        sent[0] += 1
                        personnummer = next(numbers)
                    target = result if time.monotonic() >= measured_from else warm
                    try:
                        officer.take_consent(insats_id, personnummer, target, lock)
                    except (OSError, http.client.HTTPException) as exc:
                        _Officer._error(target, lock, f"{type(exc).__name__}: {exc}")

            threads = [threading.Thread(target=drive, args=(o,), daemon=True) for o in officers]
            for thread in threads:
                thread.start()
            time.sleep(max(0.0, measured_from - time.monotonic()))
            cpu_before = _cpu_seconds(server.pid)
            driver_before = time.process_time()
            for thread in threads:
                thread.join(timeout=warmup + seconds + 60)
            result.seconds = time.monotonic() - measured_from
            result.server_cpu_s = _cpu_seconds(server.pid) - cpu_before
            result.driver_cpu_s = time.process_time() - driver_before
        _check_audit_chain(app, result)
        return result


def _check_audit_chain(app: Flask, result: LoadResult) -> None:
    """Two workers appended to the audit chain at once for the whole run: a fork or a gap
    counts as an error like a failed request."""
    with app.app_context():
        report = verify_chain()
        result.audit_entries = report.entries
        for problem in report.problems:
            result.errors += 1
            result.error_samples.append(f"audit chain: {problem}")
        db.session.remove()
        db.engine.dispose()

