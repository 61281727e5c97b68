"""Shared fixtures: a real database per test, on SQLite and (when configured) PostgreSQL.

Every test that uses ``app`` runs once per backend. PostgreSQL runs when
``FORMAPP_TEST_DATABASE_URL`` is set (CI sets it) and is skipped, saying so, otherwise. Each
pytest process gets its own PostgreSQL schema, so parallel runs on one server do not collide.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from formapp.app import create_app
from formapp.extensions import db

PG_URL = os.environ.get("FORMAPP_TEST_DATABASE_URL", "")
# Web font subsets take ~10 s to build: one build per machine, reused while the fonts match.
WEBFONT_DIR = Path(tempfile.gettempdir()) / "formapp-test-webfonts"
BACKENDS = ["sqlite", "postgresql"]


def pytest_report_header() -> str:
    if PG_URL:
        return f"PostgreSQL tests: {PG_URL}"
    return "PostgreSQL tests: SKIPPED (set FORMAPP_TEST_DATABASE_URL to run them)"


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A fresh schema on the test server for this pytest process, dropped at the end."""
    if not PG_URL:
        pytest.skip("PostgreSQL: FORMAPP_TEST_DATABASE_URL is not set")
    schema = f"formapp_test_{uuid.uuid4().hex[:10]}"
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


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("pg_schema_url")
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


def make_app(database_url: str, data_dir: Path, **overrides: object) -> Flask:
    return create_app({
        "TESTING": True,
        "FORMAPP_ENV": "testing",
        "FORMAPP_DATA_DIR": str(data_dir),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        "FORMAPP_WEBFONT_DIR": str(WEBFONT_DIR),
        **overrides,
    })


def _empty_tables() -> None:
    """Leave the shared PostgreSQL schema empty for the next test."""
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    if db.engine.dialect.name == "postgresql" and names:
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.commit()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(database_url, tmp_path / "data")
    with app.app_context():
        db.create_all()
        _empty_tables()
        yield app
        db.session.rollback()
        _empty_tables()
        db.session.remove()
        db.engine.dispose()


class Browser:
    """A test client that logs in through the real form and sends the CSRF token.

    Each request runs in its own app context, as in production: ``g`` (Flask-Login's user,
    Flask-WTF's token) and the database session are never shared with the test's own context.
    """

    TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token: str | None = None

    def open(self, method: str, url: str, **kwargs: object) -> TestResponse:
        with self.client.application.app_context():
            response = self.client.open(url, method=method, **kwargs)
        match = response.mimetype == "text/html" and self.TOKEN.search(
            response.get_data(as_text=True))
        if match:
            self.token = match.group(1)
        return response

    def get(self, url: str, **kwargs: object) -> TestResponse:
        return self.open("GET", url, **kwargs)

    def post(self, url: str, data: dict | None = None, **kwargs: object) -> TestResponse:
        if self.token is None:
            self.get("/login")
        return self.open("POST", url, data={"csrf_token": self.token, **(data or {})},
                         **kwargs)

    def login(self, email: str, password: str) -> TestResponse:
        self.get("/login")
        response = self.post("/login", {"email": email, "password": password})
        self.get("/")
        return response


@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app.test_client())
