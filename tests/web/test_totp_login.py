"""TOTP as the second factor of a local account (issue 20): enrolment with a QR code drawn
here, login with a code, recovery codes shown once and kept hashed, the rule per role, an
administrator's reset, and the hand-back that keeps to the password or a short PIN."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from sqlalchemy import select

from formapp.config import ConfigError, load_config
from formapp.extensions import db
from formapp.oidc_config import OidcProvider
from formapp.records.handback_pin import can_take_back, handback_secret_ok, set_pin
from formapp.records.models import AuditEntry, LoginSession, RecoveryCode, User
from formapp.webclient import Browser
from tests.conftest import make_app, tables_of
from tests.web.test_consent_flow import read_url, sign, start
from tests.world import PASSWORD, World, build_world

SECRET = re.compile(r'<code class="ltr secret">([A-Z2-7 ]+)</code>')
CODES = re.compile(r"<li><code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code></li>")


@pytest.fixture
def strict(database_url: str, tmp_path: Path) -> Flask:
    """An installation that requires the second factor, as production does."""
    with tables_of(make_app(database_url, tmp_path / "data",
                            FORMAPP_REQUIRE_SECOND_FACTOR=True)) as app:
        yield app


def _password(app: Flask, email: str) -> tuple[Browser, str]:
    browser = Browser(app.test_client())
    response = browser.login(email, PASSWORD)
    where = response.headers.get("Location", "")
    if where.startswith("/login/"):
        browser.get(where)  # as a browser follows the redirect (and takes the form's token)
    return browser, where


def _enrol(browser: Browser) -> tuple[str, list[str], str]:
    """The enrolment page's secret, the recovery codes it then shows, and that page."""
    page = browser.get("/login/engangskoder").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn here, no script
    secret = SECRET.search(page).group(1).replace(" ", "")
    done = browser.post("/login/engangskoder", {"code": pyotp.TOTP(secret).now()})
    html = done.get_data(as_text=True)
    assert done.status_code == 200, html[-600:]
    return secret, CODES.findall(html), html


def _code_for(secret: str, steps_ahead: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.at(time.time() + steps_ahead * totp.interval)


def _method(user: User) -> str | None:
    db.session.expire_all()
    return db.session.scalar(select(LoginSession.method).where(
        LoginSession.user_id == user.id).order_by(LoginSession.started_at.desc()).limit(1))


def test_enrolment_at_the_first_login_then_login_with_a_code(strict: Flask) -> None:
    world = build_world()
    user = world.users["deltagaransvarig"]
    browser, where = _password(strict, user.email)
    assert where == "/login/engangskoder"
    assert browser.get("/").headers["Location"].startswith("/login")  # not logged in yet

    secret, codes, page = _enrol(browser)
    assert len(codes) == 10 and len(set(codes)) == 10 and "De visas bara nu" in page
    assert browser.get("/").status_code == 200  # logged in
    db.session.expire_all()
    assert user.totp_enabled_at is not None and user.last_login_method == "totp"
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(
        RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & set(stored)
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.action == "user.totp_enabled")) == "user.totp_enabled"

    # Next login: password, then the code page; a wrong code, then the next step's code.
    browser.post("/logout")
    browser, where = _password(strict, user.email)
    assert where == "/login/kod"
    wrong = browser.post("/login/kod", {"code": "000000" if _code_for(secret, 1) != "000000"
                                        else "111111"})
    assert wrong.status_code == 422 and "Koden stämmer inte" in wrong.get_data(as_text=True)
    code = _code_for(secret, 1)
    assert browser.post("/login/kod", {"code": code}).headers["Location"] == "/"
    assert browser.get("/").status_code == 200 and _method(user) == "totp"

    # The same code once more, in another login: used, refused.
    again, _ = _password(strict, user.email)
    assert again.post("/login/kod", {"code": code}).status_code == 422


def test_a_recovery_code_logs_in_once(strict: Flask) -> None:
    world = build_world()
    user = world.users["insatsansvarig"]
    browser, _ = _password(strict, user.email)
    _, codes, _ = _enrol(browser)

    other, where = _password(strict, user.email)
    assert where == "/login/kod"
    used = codes[3].lower().replace("-", " ")  # as typed off paper
    response = other.post("/login/kod", {"code": used})
    assert response.headers["Location"] == "/"
    assert "Du har 9 kvar" in other.get("/").get_data(as_text=True)
    assert _method(user) == "recovery"
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.action == "user.recovery_code_used")) is not None

    third, _ = _password(strict, user.email)
    assert third.post("/login/kod", {"code": codes[3]}).status_code == 422


def test_wrong_codes_lock_the_account_as_wrong_passwords_do(strict: Flask) -> None:
    world = build_world()
    user = world.users["deltagaransvarig"]
    browser, _ = _password(strict, user.email)
    _enrol(browser)
    browser, _ = _password(strict, user.email)
    for _ in range(strict.config["FORMAPP_LOGIN_MAX_FAILURES"]):
        browser.post("/login/kod", {"code": "ABCD-EFGH-JKLM-NPQR"})
    assert browser.post("/login/kod", {"code": "123456"}).status_code == 429


def test_the_rule_is_for_roles_that_see_personal_data(strict: Flask) -> None:
    world = build_world()
    # Rapport sees counts, never a person: the password alone.
    _, where = _password(strict, world.email("rapport"))
    assert where == "/"
    for role in ("samverkansadmin", "insatsansvarig", "deltagaransvarig", "system_admin"):
        _, where = _password(strict, world.email(role))
        assert where == "/login/engangskoder", role


def test_a_session_without_the_second_factor_ends_when_the_rule_applies(app: Flask) -> None:
    world = build_world()
    browser, where = _password(app, world.email("deltagaransvarig"))
    assert where == "/" and browser.get("/").status_code == 200
    app.config["FORMAPP_REQUIRE_SECOND_FACTOR"] = True
    response = browser.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert browser.get("/").status_code == 302


def test_testing_and_development_do_not_force_it_production_does(tmp_path: Path) -> None:
    base = {"FORMAPP_DATA_DIR": str(tmp_path)}
    assert load_config({**base, "FORMAPP_ENV": "testing"})["FORMAPP_REQUIRE_SECOND_FACTOR"] \
        is False
    assert load_config({**base, "FORMAPP_ENV": "development"})[
        "FORMAPP_REQUIRE_SECOND_FACTOR"] is True
    assert load_config({**base, "FORMAPP_ENV": "development",
                        "FORMAPP_REQUIRE_SECOND_FACTOR": "0"})[
        "FORMAPP_REQUIRE_SECOND_FACTOR"] is False
    production = {**base, "FORMAPP_ENV": "production", "FORMAPP_SECRET_KEY": "s" * 40}
    assert load_config(production)["FORMAPP_REQUIRE_SECOND_FACTOR"] is True
    with pytest.raises(ConfigError, match="FORMAPP_REQUIRE_SECOND_FACTOR"):
        load_config({**production, "FORMAPP_REQUIRE_SECOND_FACTOR": "0"})


def test_enrolment_from_the_account_page_and_turning_it_off(app: Flask) -> None:
    world = build_world()
    browser, _ = _password(app, world.email("rapport"))
    page = browser.get("/konto/inloggning").get_data(as_text=True)
    assert "Endast lösenord" in page and "Börja använda engångskoder" in page
    page = browser.get("/konto/engangskoder").get_data(as_text=True)
    secret = SECRET.search(page).group(1).replace(" ", "")
    done = browser.post("/konto/engangskoder", {"code": pyotp.TOTP(secret).now()})
    assert len(CODES.findall(done.get_data(as_text=True))) == 10
    assert "Lösenord och engångskod" in browser.get("/konto/inloggning").get_data(as_text=True)
    browser.post("/konto/engangskoder/av")
    user = world.users["rapport"]
    db.session.expire_all()
    assert user.totp_secret is None and browser.get("/").status_code == 302
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.action == "user.totp_disabled")) is not None


def test_an_administrator_resets_a_lost_phone(strict: Flask) -> None:
    world = build_world()
    target = world.users["deltagaransvarig"]
    browser, _ = _password(strict, target.email)
    _enrol(browser)
    admin = Browser(strict.test_client())
    admin.login(world.email("rapport"), PASSWORD)  # not an administrator
    assert admin.post(f"/users/{target.id}/totp/reset").status_code == 403
    admin, _ = _password(strict, world.email("samverkansadmin"))
    _enrol(admin)
    page = admin.get(f"/users/{target.id}").get_data(as_text=True)
    assert "Lösenord och engångskod (TOTP)" in page
    asked = admin.post(f"/users/{target.id}/totp/reset")
    assert asked.status_code == 200 and "Återställa engångskoderna?" in asked.get_data(
        as_text=True)
    admin.post(f"/users/{target.id}/totp/reset", {"bekraftat": "1"})
    db.session.expire_all()
    assert target.totp_enabled_at is None
    assert db.session.scalars(select(RecoveryCode).where(
        RecoveryCode.user_id == target.id)).all() == []
    assert browser.get("/").status_code == 302  # their sessions ended
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.action == "user.totp_reset")) is not None
    _, where = _password(strict, target.email)
    assert where == "/login/engangskoder"


def test_the_users_page_shows_how_and_when_each_user_signs_in(strict: Flask) -> None:
    world = build_world()
    browser, _ = _password(strict, world.email("deltagaransvarig"))
    _enrol(browser)
    admin, _ = _password(strict, world.email("samverkansadmin"))
    _enrol(admin)
    page = admin.get(f"/forbund/{world.forbund_a.id}/users/").get_data(as_text=True)
    assert "Loggar in med" in page and "Senast inloggad" in page
    row = page[page.index(world.users["deltagaransvarig"].full_name):]
    row = row[:row.index("</tr>")]
    assert "Lösenord och engångskod (TOTP)" in row and "Lösenord och engångskod" in row
    rapport = page[page.index(world.users["rapport"].full_name):]
    assert "Endast lösenord" in rapport[:rapport.index("</tr>")]
    assert "Aldrig" in rapport[:rapport.index("</tr>")]


def _to_lock_screen(world: World, browser: Browser, pnr: str) -> None:
    started = start(browser, world, pnr)
    assert started.status_code == 302, started.get_data(as_text=True)[-3000:]
    sign(browser, read_url(started, "sv"))
    browser.get("/deltagare/tillbaka")


def test_the_hand_back_asks_the_password_or_the_pin_never_the_code(strict: Flask) -> None:
    world = build_world()
    user = world.users["deltagaransvarig"]
    browser, _ = _password(strict, user.email)
    _enrol(browser)
    _to_lock_screen(world, browser, "19121212-1212")
    response = browser.post("/deltagare/tillbaka", {"password": PASSWORD})
    assert response.status_code == 302 and "/samtycken/" in response.headers["Location"]

    short = browser.post("/konto/kod-for-surfplattan", {"pin": "123456"})
    assert short.status_code == 422 and "för lätt att gissa" in short.get_data(as_text=True)
    browser.post("/konto/kod-for-surfplattan", {"pin": "468213"})
    db.session.expire_all()
    assert user.handback_pin_hash and "468213" not in user.handback_pin_hash
    _to_lock_screen(world, browser, "19800101-0100")
    page = browser.get("/deltagare/tillbaka").get_data(as_text=True)
    assert "Din kod för surfplattan" in page
    assert browser.post("/deltagare/tillbaka", {"password": "468214"}).status_code == 422
    response = browser.post("/deltagare/tillbaka", {"password": "468213"})
    assert response.status_code == 302 and "/samtycken/" in response.headers["Location"]
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.action == "user.pin_set")) is not None


def test_an_idp_users_formapp_password_never_opens_the_tablet(database_url: str,
                                                               tmp_path: Path) -> None:
    provider = OidcProvider(key="idp", label="Regionen", issuer="https://idp.example",
                            client_id="formapp", client_secret="secret")
    with tables_of(make_app(database_url, tmp_path / "data",
                            FORMAPP_OIDC_PROVIDERS=(provider,))):
        user = build_world().users["deltagaransvarig"]
        user.idp_provider, user.idp_subject = "idp", "anna"
        db.session.commit()
        assert not can_take_back(user) and not handback_secret_ok(user, PASSWORD)
        set_pin(user, "470913")
        assert can_take_back(user) and handback_secret_ok(user, "470913")
        assert not handback_secret_ok(user, PASSWORD)
