"""The password policy (issue 15): at least 12 characters and not a common password (a local
list, no network), refused with a clear Swedish message at the field, the same for
create-user, the admin pages and one's own change."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from formapp.cases.accounts import UserInput, save_user, set_password
from formapp.cli import cli
from formapp.clock import today
from formapp.demo import DEMO_PASSWORD
from formapp.domain.passwords import common_passwords, is_common
from formapp.extensions import db
from formapp.records.errors import RuleViolation
from formapp.records.models import User
from formapp.records.passwords import verify_password
from formapp.webclient import Browser
from tests.web.test_admin_pages import field_error
from tests.world import PASSWORD, build_world

COMMON = ("password12", "sommar2024", "Sommar2024!!", "password1234", "lösenord2026",
          "qwertyuiop123", "Stockholm2026!", "  hejhej1234", "123456789012", "välkommen2025")
TOO_COMMON = "för vanligt"


def test_the_list_is_local_and_large_enough() -> None:
    listed = common_passwords()
    assert len(listed) > 4000
    assert {"password", "123456", "sommar2024", "password12", "lösenord"} <= listed


@pytest.mark.parametrize("password", COMMON)
def test_common_passwords_are_refused(app: Flask, password: str) -> None:
    world = build_world()
    with pytest.raises(RuleViolation) as refused:
        set_password(world.target, password)
    assert refused.value.field == "password"
    message = str(refused.value.message)
    assert TOO_COMMON in message or "minst 12 tecken" in message or "för enkelt" in message


def test_twelve_characters_at_least(app: Flask) -> None:
    world = build_world()
    with pytest.raises(RuleViolation, match="minst 12 tecken"):
        set_password(world.target, "x7#Kq2!pLm9")  # 11, and not common
    set_password(world.target, "x7#Kq2!pLm9z")


@pytest.mark.parametrize("password", [DEMO_PASSWORD, PASSWORD, "tre ord i följd",
                                      "correct horse battery staple"])
def test_good_passwords_pass(app: Flask, password: str) -> None:
    assert not is_common(password)
    world = build_world()
    set_password(world.target, password)
    assert verify_password(world.target.password_hash, password)


def test_a_new_user_with_a_common_password_is_refused(app: Flask) -> None:
    world = build_world()
    with pytest.raises(RuleViolation, match=TOO_COMMON):
        save_user(world.forbund_a, UserInput(email="ny@t.example", full_name="Ny",
                                             password="Sommar2024!!"), today=today())


def test_create_user_refuses_a_common_password(app: Flask) -> None:
    build_world()
    result = app.test_cli_runner().invoke(cli, [
        "create-user", "ny@t.example", "--name", "Ny", "--forbund", "Förbund A",
        "--password-stdin"], input="password1234\n")
    assert result.exit_code != 0 and TOO_COMMON in result.output
    assert db.session.scalar(select(User).where(User.email == "ny@t.example")) is None


def test_the_pages_say_so_at_the_field(app: Flask) -> None:
    world = build_world()
    admin = Browser(app.test_client())
    admin.login(world.email("samverkansadmin"), PASSWORD)
    url = f"/forbund/{world.forbund_a.id}/users/new"
    admin.get(url)
    page = admin.post(url, {"full_name": "Nina Ny", "email": "nina@t.example",
                            "password": "Sommar2024!!", "is_active": "y"}).get_data(as_text=True)
    assert TOO_COMMON in field_error(page, "password")

    own = Browser(app.test_client())
    own.login(world.email("rapport"), PASSWORD)
    own.get("/account/password")
    page = own.post("/account/password", {"current_password": PASSWORD,
                                          "new_password": "password1234"}).get_data(as_text=True)
    assert TOO_COMMON in field_error(page, "new_password")
    db.session.expire_all()
    assert verify_password(db.session.get(User, world.users["rapport"].id).password_hash,
                           PASSWORD)
