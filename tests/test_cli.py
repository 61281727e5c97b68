"""The ``formapp`` command: the console script end to end, and formapp's own commands."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from formapp.cli import cli
from formapp.demo import DEMO_FORBUND_NAME, DEMO_PASSWORD
from formapp.extensions import db
from formapp.protection.keyring import new_key_entry
from formapp.records.models import Forbund, Role, User
from formapp.records.passwords import verify_password

FORMAPP = shutil.which("formapp", path=str(Path(sys.executable).parent)) or "formapp"


def run_formapp(*args: str, env: dict[str, str], **kwargs: object) -> subprocess.CompletedProcess:
    return subprocess.run([FORMAPP, *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False, **kwargs)


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMAPP_")}
    env["FORMAPP_DATA_DIR"] = str(tmp_path / "data")
    return env


def test_the_make_run_steps_from_empty(cli_env: dict[str, str], tmp_path: Path) -> None:
    """db upgrade, demo (twice: idempotent), routes, then the server answers."""
    for args in (("db", "upgrade"), ("demo",), ("demo",)):
        result = run_formapp(*args, env=cli_env)
        assert result.returncode == 0, result.stderr
    assert "admin@demo.formapp.example" in result.stdout and DEMO_PASSWORD in result.stdout
    assert (tmp_path / "data" / "formapp.sqlite3").exists()
    assert (tmp_path / "data" / "secret_key").exists()
    routes = run_formapp("routes", env=cli_env)
    assert "auth.login" in routes.stdout and "insatser.index" in routes.stdout

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([FORMAPP, "run", "--port", str(port)], env=cli_env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as page:
                    body = page.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert "Logga in" in body and "Demoläge" in body
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_demo_is_refused_in_production(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "FORMAPP_ENV": "production", "FORMAPP_SECRET_KEY": "x" * 40,
           "FORMAPP_DATA_KEYS": new_key_entry(), "FORMAPP_LOOKUP_KEYS": new_key_entry()}
    result = run_formapp("demo", env=env)
    assert result.returncode != 0 and "never loaded in production" in result.stderr


def test_demo_data_is_marked_and_has_a_user_per_role(app: Flask) -> None:
    result = app.test_cli_runner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    forbund = db.session.scalar(select(Forbund).where(Forbund.name == DEMO_FORBUND_NAME))
    assert forbund.is_demo and "(DEMO)" in forbund.name
    roles = {g.role for u in forbund.users for g in u.grants}
    assert roles == {r.value for r in Role}
    assert all(i.name.endswith("(demo)") for i in forbund.insatser)


def test_create_user(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["create-user", "root@t.example", "--name", "Rot",
                                 "--system-admin", "--password-stdin"],
                           input="a-long-password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "root@t.example"))
    assert user.is_system_admin and verify_password(user.password_hash, "a-long-password")

    db.session.add(Forbund(name="F"))
    db.session.commit()
    result = runner.invoke(cli, ["create-user", "f@t.example", "--name", "Fia", "--forbund", "F",
                                 "--role", "samverkansadministrator", "--password-stdin"],
                           input="a-long-password\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["create-user", "g@t.example", "--name", "G", "--forbund", "F",
                                 "--password-stdin"], input="short\n")
    assert result.exit_code != 0 and "minst 12 tecken" in result.output
    result = runner.invoke(cli, ["create-user", "h@t.example", "--name", "H",
                                 "--forbund", "Saknas", "--password-stdin"], input="x\n")
    assert result.exit_code != 0 and "No förbund named" in result.output
    assert db.session.scalar(select(User).where(User.email == "g@t.example")) is None
