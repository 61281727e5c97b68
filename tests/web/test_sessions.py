"""Sessions the server can end (issue 15): logout, password change and the absolute lifetime
end a session for real, and a cookie copied before gets the login page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select, update

from formapp.extensions import db
from formapp.records.models import LoginSession
from formapp.webclient import Browser
from tests.world import PASSWORD, build_world


def _cookie(browser: Browser) -> str:
    cookie = browser.client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app: Flask, cookie: str) -> Browser:
    """Another browser with a copy of the cookie (an attacker's, or a shared tablet's)."""
    thief = Browser(app.test_client())
    thief.client.set_cookie("session", cookie)
    return thief


def _logged_in(browser: Browser) -> bool:
    return browser.get("/").status_code == 200


def test_logout_ends_a_copied_cookie(app: Flask, browser: Browser) -> None:
    world = build_world()
    browser.login(world.email("rapport"), PASSWORD)
    copied = _cookie(browser)
    assert _logged_in(_replay(app, copied))
    browser.post("/logout")
    replay = _replay(app, copied)
    response = replay.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    db.session.expire_all()
    ended = db.session.scalars(select(LoginSession)).all()
    assert [row.end_reason for row in ended] == ["logout"]


def test_session_lifetime_is_counted_from_login_and_never_slides(
        app: Flask, browser: Browser) -> None:
    world = build_world()
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    browser.login(world.email("rapport"), PASSWORD)
    # Requests every so often within the lifetime leave the start where it was ...
    for part in (0.3, 0.6, 0.9):
        db.session.execute(update(LoginSession).values(
            started_at=datetime.now(UTC) - part * lifetime))
        db.session.commit()
        assert _logged_in(browser)
    # ... so the lifetime ends on time, however busy the session was.
    db.session.execute(update(LoginSession).values(
        started_at=datetime.now(UTC) - lifetime - timedelta(seconds=1)))
    db.session.commit()
    response = browser.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_password_change_ends_every_other_session_copies_included(
        app: Flask, browser: Browser) -> None:
    world = build_world()
    email = world.email("rapport")
    other = Browser(app.test_client())
    other.login(email, PASSWORD)
    browser.login(email, PASSWORD)
    copied = _cookie(browser)
    browser.get("/account/password")
    response = browser.post("/account/password", {
        "current_password": PASSWORD, "new_password": "ett-helt-nytt-losenord-42"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _logged_in(browser)  # this one goes on
    assert not _logged_in(other)
    assert not _logged_in(_replay(app, copied))  # the cookie from before the change


def test_a_forged_or_missing_session_key_is_logged_out(app: Flask, browser: Browser) -> None:
    world = build_world()
    browser.login(world.email("rapport"), PASSWORD)
    with browser.client.session_transaction() as session:
        session["sid"] = "not-a-session-this-server-made"
    assert not _logged_in(browser)
