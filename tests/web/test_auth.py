"""Logging in and out, CSRF, session expiry and password hashing."""

from __future__ import annotations

import time

from flask import Flask

from formapp.extensions import db
from formapp.records.models import User
from formapp.web.session import LAST_SEEN_KEY
from formapp.webclient import Browser
from tests.world import PASSWORD, build_world


def test_login_and_logout(app: Flask, browser: Browser) -> None:
    world = build_world()
    response = browser.login(world.email("rapport"), PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = browser.get("/").get_data(as_text=True)
    assert "Rap Port" in home and "Logga ut" in home
    assert browser.post("/logout").headers["Location"] == "/login"
    assert browser.get("/").headers["Location"].startswith("/login")


def test_wrong_password_unknown_user_and_closed_account_get_one_message(
        app: Flask, browser: Browser) -> None:
    world = build_world()
    world.users["rapport"].is_active = False
    db.session.commit()
    for email, password in ((world.email("insatsansvarig"), "wrong-password"),
                            ("nobody@t.example", PASSWORD),
                            (world.email("rapport"), PASSWORD)):
        browser.get("/login")
        response = browser.post("/login", {"email": email, "password": password})
        assert response.status_code == 200
        assert "Fel e-postadress eller lösenord" in response.get_data(as_text=True)
        assert browser.get("/").status_code == 302


def test_empty_login_fields_get_messages_at_the_fields(app: Flask, browser: Browser) -> None:
    page = browser.post("/login", {"email": "", "password": ""}).get_data(as_text=True)
    assert "Ange din e-postadress." in page and "Ange ditt lösenord." in page
    assert 'aria-invalid="true"' in page


def test_a_post_without_csrf_token_is_refused(app: Flask) -> None:
    world = build_world()
    client = app.test_client()
    with app.app_context():
        response = client.post("/login", data={"email": world.email("rapport"),
                                               "password": PASSWORD})
    assert response.status_code == 400
    assert "Formuläret har gått ut" in response.get_data(as_text=True)


def test_next_parameter_cannot_redirect_off_site(app: Flask, browser: Browser) -> None:
    world = build_world()
    browser.get("/login")
    response = browser.post("/login?next=//evil.example/x",
                            {"email": world.email("rapport"), "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_idle_session_expires(app: Flask, browser: Browser) -> None:
    world = build_world()
    browser.login(world.email("rapport"), PASSWORD)
    assert browser.get("/").status_code == 200
    idle = app.config["FORMAPP_IDLE_MINUTES"] * 60
    with browser.client.session_transaction() as session:
        session[LAST_SEEN_KEY] = time.time() - idle - 5
    response = browser.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert browser.get("/").status_code == 302  # and stays logged out


def test_session_cookie_is_httponly_and_samesite(app: Flask, browser: Browser) -> None:
    world = build_world()
    browser.get("/login")
    response = browser.post("/login", {"email": world.email("rapport"), "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_password_change_ends_other_sessions(app: Flask) -> None:
    world = build_world()
    email = world.email("rapport")
    first, second = Browser(app.test_client()), Browser(app.test_client())
    first.login(email, PASSWORD)
    second.login(email, PASSWORD)
    first.get("/account/password")
    page = first.post("/account/password", {"current_password": PASSWORD,
                                            "new_password": "short"}).get_data(as_text=True)
    assert "minst 12 tecken" in page
    response = first.post("/account/password", {"current_password": PASSWORD,
                                                 "new_password": "a-new-long-password"})
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302  # the other session is over
    assert Browser(app.test_client()).login(email, "a-new-long-password").status_code == 302


def test_passwords_are_stored_as_argon2id(app: Flask) -> None:
    world = build_world()
    user = db.session.get(User, world.users["rapport"].id)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_repeated_failures_lock_the_account_even_for_the_right_password(app: Flask) -> None:
    world = build_world()
    email = world.email("rapport")
    browser = Browser(app.test_client())
    browser.get("/login")
    for _ in range(app.config["FORMAPP_LOGIN_MAX_FAILURES"]):
        assert browser.post("/login", {"email": email, "password": "wrong-guess"}) \
            .status_code == 200
    locked = browser.post("/login", {"email": email, "password": PASSWORD})
    assert locked.status_code == 429 and "För många misslyckade" in locked.get_data(as_text=True)
    assert browser.get("/").status_code == 302  # not logged in
    # Another account from another address is not affected.
    other = Browser(app.test_client())
    other.client.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert other.login(world.email("insatsansvarig"), PASSWORD).status_code == 302


def test_a_success_clears_the_failures(app: Flask) -> None:
    world = build_world()
    email = world.email("rapport")
    browser = Browser(app.test_client())
    browser.get("/login")
    for _ in range(app.config["FORMAPP_LOGIN_MAX_FAILURES"] - 1):
        browser.post("/login", {"email": email, "password": "wrong-guess"})
    assert browser.post("/login", {"email": email, "password": PASSWORD}).status_code == 302
    browser.post("/logout")
    browser.get("/login")
    browser.post("/login", {"email": email, "password": "wrong-guess"})
    assert browser.post("/login", {"email": email, "password": PASSWORD}).status_code == 302
