"""Flask extension objects, created unbound and initialised by ``create_app``."""

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()

# The base of every table. mypy cannot take ``db.Model`` (an attribute) as a base class; to it
# the base is what db.Model is at run time: a declarative base with Flask-SQLAlchemy's query.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(_FlaskModel, DeclarativeBase):
        pass
else:
    Model = db.Model


def table_of(model: type[Model]) -> Table:
    """A model's Core table (typed: SQLAlchemy declares ``__table__`` a FromClause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


CACHE_KEY = "formapp_cache"  # in app.extensions: the caches that belong to one app


def app_cache(name: str) -> dict[Any, Any]:
    """The current app's cache ``name``: for values read from its database or derived from its
    configuration, which another app in the same process (tests, ``formapp bench``) must not
    see. It goes with the app, or with ``clear_app_caches`` (a restore). Plain values only,
    never an ORM row (a row belongs to one session)."""
    caches: dict[str, dict[Any, Any]] = current_app.extensions.setdefault(CACHE_KEY, {})
    return caches.setdefault(name, {})


def clear_app_caches(app: Flask) -> None:
    app.extensions.pop(CACHE_KEY, None)


def listen_once(target: Any, identifier: str, fn: Callable[..., Any], **options: Any) -> None:
    """``event.listen`` unless ``fn`` already listens: the listeners formapp puts on every
    Engine, Session or model are registered by ``create_app`` (importing a module registers
    nothing), and one process may create many apps (the tests, ``formapp bench``); a second
    registration would run the listener twice."""
    if not event.contains(target, identifier, fn):
        event.listen(target, identifier, fn, **options)


def init_app(_app: Flask) -> None:
    """SQLite's pragmas on every connection (a PostgreSQL connection is left alone)."""
    listen_once(Engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(connection: object, _: object) -> None:
    """SQLite reads the database file through a memory map: the reports look up tens of
    thousands of pages, each otherwise a system call and a copy (issue 10).

    Write-ahead logging: a commit is one append and one fsync of the log instead of a rollback
    journal written, synced, applied, synced and deleted (≈ 0.5 ms instead of ≈ 2–4 ms), and
    readers in the other worker are not blocked while a consent commits. ``synchronous=FULL``
    keeps every acknowledged commit durable through a power cut, as before; the data
    directory must be on a local file system (WAL needs shared memory)."""
    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA mmap_size = 1073741824")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
