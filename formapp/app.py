"""formapp: FK 9443, 9448 and 9449 on a tablet for Swedish samordningsförbund."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from formapp import evidence, extensions
from formapp.config import load_config
from formapp.definitions.consent_texts import verify_builtin
from formapp.evidence import check_archive_at_start
from formapp.extensions import csrf, db, login_manager, migrate
from formapp.i18n import configure_i18n
from formapp.private_files import DIR_MODE, private_dir, private_sqlite_file
from formapp.protection import row_binding
from formapp.protection.current import configure_keyring
from formapp.records import (
    audit,
    models,  # noqa: F401  (registers the tables on the metadata)
)
from formapp.web import register_web

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The application, configured from the environment and then ``config`` (tests)."""
    app = Flask(__name__)
    app.config.update(load_config(overrides=config))
    _configure_data_dir(app)
    _configure_extensions(app)
    configure_keyring(app)
    check_archive_at_start(app.config)
    _verify_consent_texts()
    register_web(app)
    _trust_proxies(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind ``FORMAPP_TRUSTED_PROXIES`` reverse proxies, take the client's address, scheme
    and host from their X-Forwarded-* headers (login throttling per address, Secure
    cookies, the Origin check); with none, those headers are ignored as anyone can send them."""
    hops = app.config["FORMAPP_TRUSTED_PROXIES"]
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,  # type: ignore[method-assign]
                                x_port=hops)


def _verify_consent_texts() -> None:
    """Refuse to start if a published FK 9443 text no longer matches its SHA-256."""
    verify_builtin()


def _configure_data_dir(app: Flask) -> None:
    # Personal data and keys live here: the owner's alone (also a folder made before).
    private_dir(app.config["FORMAPP_DATA_DIR"]).chmod(DIR_MODE)
    private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])


def _configure_extensions(app: Flask) -> None:
    # The listeners every Engine, Session and model gets (once per process, however many
    # apps): before the first connection and the first flush.
    for extension in (extensions, row_binding, audit, evidence):
        extension.init_app(app)
    db.init_app(app)
    # Batch mode lets the same migrations alter tables on SQLite and PostgreSQL.
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    configure_i18n(app)
    login_manager.init_app(app)
