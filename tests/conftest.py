"""Shared fixtures: a real database per test, on SQLite and (when configured) PostgreSQL.

Every test that uses ``app`` runs once per backend. PostgreSQL runs when
``FORMAPP_TEST_DATABASE_URL`` is set (CI sets it) and is skipped, saying so, otherwise. Each
pytest process gets its own PostgreSQL schema, so parallel runs on one server do not collide.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from formapp.app import create_app
from formapp.documents.signing_keys import create_dev_seal
from formapp.extensions import db
from formapp.webclient import Browser
from tests.archives import with_bucket

PG_URL = os.environ.get("FORMAPP_TEST_DATABASE_URL", "")
# Web font subsets take ~10 s to build: one build per machine, reused while the fonts match.
WEBFONT_DIR = Path(tempfile.gettempdir()) / "formapp-test-webfonts"
BACKENDS = ["sqlite", "postgresql"]


def pytest_report_header() -> str:
    if PG_URL:
        return f"PostgreSQL tests: {PG_URL}"
    return "PostgreSQL tests: SKIPPED (set FORMAPP_TEST_DATABASE_URL to run them)"


@contextmanager
def fresh_pg_schema(prefix: str = "formapp_test") -> Iterator[str]:
    """The URL of a new schema on the test server, dropped on the way out (skips the test
    when no server is configured)."""
    if not PG_URL:
        pytest.skip("PostgreSQL: FORMAPP_TEST_DATABASE_URL is not set")
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A fresh schema on the test server for this pytest process, dropped at the end."""
    with fresh_pg_schema() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("pg_schema_url")
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@cache
def _dev_seal() -> Path:
    """One demo seal per test process: its two RSA keys take up to a second to generate, and
    the audit trail's first append of a day seals a checkpoint with it."""
    directory = Path(tempfile.mkdtemp(prefix="formapp-test-seal-")) / "keys"
    create_dev_seal(directory)
    return directory


def make_app(database_url: str, data_dir: Path, **overrides: object) -> Flask:
    if not (Path(data_dir) / "keys").exists():
        shutil.copytree(_dev_seal(), Path(data_dir) / "keys")
    overrides = with_bucket(overrides)  # the S3 backend: a bucket of its own
    return create_app({
        "TESTING": True,
        "FORMAPP_ENV": "testing",
        "FORMAPP_DATA_DIR": str(data_dir),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        "FORMAPP_WEBFONT_DIR": str(WEBFONT_DIR),
        # Each test has keys of its own: a check value another test left in the shared
        # PostgreSQL schema must not stop the start (tests/protection turn it on).
        "FORMAPP_CHECK_KEYS_AT_START": False,
        **overrides,
    })


def empty_tables() -> None:
    """Leave the shared PostgreSQL schema empty for the next test."""
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    if db.engine.dialect.name == "postgresql" and names:
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.commit()


@contextmanager
def tables_of(app: Flask) -> Iterator[Flask]:
    """``app`` in its context with its tables made and empty, left empty on the way out."""
    with app.app_context():
        db.create_all()
        empty_tables()
        yield app
        db.session.rollback()
        empty_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def archive_config() -> dict[str, object]:
    """The archive's settings for ``app``: the default (local disk, plain) unless a module
    overrides this fixture (``tests.archives``)."""
    return {}


@pytest.fixture
def app(database_url: str, tmp_path: Path, archive_config: dict[str, object],
        ) -> Iterator[Flask]:
    with tables_of(make_app(database_url, tmp_path / "data", **archive_config)) as app:
        yield app


@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app.test_client())
