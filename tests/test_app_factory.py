"""The factory and configuration: environment, data directory, secrets, production rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from formapp.app import create_app
from formapp.config import ConfigError, load_config


def test_development_defaults_put_everything_in_the_data_directory(tmp_path: Path) -> None:
    config = load_config(env={"FORMAPP_DATA_DIR": str(tmp_path)})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'formapp.sqlite3'}"
    secret_file = tmp_path / "secret_key"
    assert config["SECRET_KEY"] == secret_file.read_text()
    assert secret_file.stat().st_mode & 0o777 == 0o600
    # The same secret on the next start: sessions survive a restart.
    assert load_config(env={"FORMAPP_DATA_DIR": str(tmp_path)})["SECRET_KEY"] == \
        config["SECRET_KEY"]


def test_production_requires_a_secret_and_secure_cookies(tmp_path: Path) -> None:
    env = {"FORMAPP_ENV": "production", "FORMAPP_DATA_DIR": str(tmp_path)}
    with pytest.raises(ConfigError, match="FORMAPP_SECRET_KEY"):
        load_config(env=env)
    config = load_config(env={**env, "FORMAPP_SECRET_KEY": "s" * 40,
                              "FORMAPP_DATABASE_URL": "postgresql+psycopg://db/formapp"})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["FORMAPP_DEMO_ALLOWED"] is False
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db/formapp"
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("env, message", [
    ({"FORMAPP_ENV": "staging"}, "FORMAPP_ENV"),
    ({"FORMAPP_IDLE_MINUTES": "soon"}, "FORMAPP_IDLE_MINUTES"),
])
def test_bad_configuration_says_which_variable(tmp_path: Path, env: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(env={"FORMAPP_DATA_DIR": str(tmp_path), **env})


def test_factory_builds_independent_apps(tmp_path: Path) -> None:
    first = create_app({"FORMAPP_DATA_DIR": str(tmp_path / "a"), "TESTING": True})
    second = create_app({"FORMAPP_DATA_DIR": str(tmp_path / "b"), "TESTING": True})
    assert first is not second
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    assert (tmp_path / "a").is_dir() and (tmp_path / "b").is_dir()
    assert "auth.login" in {rule.endpoint for rule in first.url_map.iter_rules()}


def test_every_page_has_a_strict_content_security_policy(app) -> None:
    response = app.test_client().get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert "<script>" not in body and " style=" not in body
    assert "http://" not in body and "https://" not in body  # no third-party CDN
