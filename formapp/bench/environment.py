"""A throw-away formapp for the benchmark: its own data directory and database, demo data,
and a logged-in officer client."""

from __future__ import annotations

import contextlib
import os
import platform
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from formapp.app import create_app
from formapp.clock import today
from formapp.demo import DEMO_PASSWORD, demo_users, load_demo
from formapp.documents.consent import FK_TEXT
from formapp.domain.personnummer import luhn_ok
from formapp.extensions import db
from formapp.records.models import Forbund, Insats, Role, User
from formapp.webclient import Browser

OFFICER = "deltagare@demo.formapp.example"


@dataclass
class BenchEnv:
    app: Flask
    data_dir: Path
    officer: Browser
    insats: Insats
    database: str  # "sqlite" or "postgresql"


def machine() -> dict[str, object]:
    """What the figures were measured on (they mean little without it)."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gib = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:", 1)[1].split()[0])
        memory_gib = round(kib / 1024**2, 1)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": memory_gib,
            "python": platform.python_version(), "system": platform.platform(terse=True),
            "load_average_1m": round(load[0], 2) if load else None}


def personnummer_stream() -> Iterator[str]:
    """Valid, clearly fake personnummer (born 1900–1909), never the same twice."""
    for year in range(1900, 1910):
        for day_of_year in range(1, 366):
            month, day = divmod(day_of_year - 1, 28)
            for serial in range(100, 1000):
                stem = f"{year % 100:02d}{month % 12 + 1:02d}{day + 1:02d}{serial:03d}"
                for check in range(10):
                    if luhn_ok(stem + str(check)):
                        yield f"{year}{stem[2:]}{check}"
                        break


@contextmanager
def scratch_database(data_dir: Path, database_url: str | None = None) -> Iterator[str]:
    """SQLite in ``data_dir`` (default), or a new schema of ``database_url`` dropped after."""
    if not database_url:
        yield f"sqlite:///{data_dir / 'bench.sqlite3'}"
        return
    schema = f"formapp_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(database_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (f"{database_url}{'&' if '?' in database_url else '?'}"
               f"options=-csearch_path%3D{schema}")
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def bench_env(database_url: str | None = None) -> Iterator[BenchEnv]:
    """A fresh app on SQLite (default) or on a new schema of ``database_url``."""
    with tempfile.TemporaryDirectory(prefix="formapp-bench-") as tmp, \
            scratch_database(Path(tmp), database_url) as url:
        data_dir = Path(tmp)
        app = create_app({"FORMAPP_ENV": "testing", "FORMAPP_DATA_DIR": str(data_dir),
                          "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": os.urandom(16).hex()})
        with app.app_context():
            db.create_all()
            load_demo(today())
            # The cases read and sign in Arabic, Tigrinya, Thai …: FK 9443 has every language,
            # formapp's own text (the demo's) only those translated so far (issue 18).
            for forbund in db.session.scalars(sa.select(Forbund)):
                forbund.consent_text = FK_TEXT
            db.session.commit()
            insats = next(g.insats for u in _officers() for g in u.grants
                          if g.role == Role.DELTAGARANSVARIG and g.insats is not None)
            officer = Browser(app.test_client())
            officer.login(OFFICER, DEMO_PASSWORD)
            yield BenchEnv(app, data_dir, officer, insats,
                           "sqlite" if url.startswith("sqlite") else "postgresql")
            db.session.remove()
            db.engine.dispose()


def bench_officer() -> User:
    """The demo's deltagaransvarig the cases act as."""
    return _officers()[0]


def _officers() -> list[User]:
    return [u for u in demo_users() if u.email == OFFICER]
