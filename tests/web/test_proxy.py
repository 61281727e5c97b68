"""Behind a reverse proxy (issue 15): the per-address login lock sees the client, not the
proxy, once FORMAPP_TRUSTED_PROXIES says how many hops to trust; and without it a client
can not pick its own address with X-Forwarded-For."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from formapp.webclient import Browser
from tests.conftest import make_app, tables_of
from tests.world import PASSWORD, build_world


@pytest.fixture
def proxied_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    with tables_of(make_app(database_url, tmp_path / "data", FORMAPP_TRUSTED_PROXIES=1)) as app:
        yield app


def _from(app: Flask, address: str) -> Browser:
    """A browser whose requests arrive through the proxy (127.0.0.1) for ``address``."""
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": address})
    return Browser(client)


def _fail_logins(browser: Browser, times: int) -> int:
    status = 0
    for n in range(times):
        browser.get("/login")
        status = browser.post("/login", {"email": f"gissning{n}@example.org",
                                         "password": "fel-lösenord"}).status_code
    return status


def test_an_attacker_behind_the_proxy_locks_only_their_own_address(proxied_app: Flask) -> None:
    world = build_world()
    limit = proxied_app.config["FORMAPP_LOGIN_MAX_FAILURES_PER_ADDRESS"]
    attacker = _from(proxied_app, "198.51.100.9")
    _fail_logins(attacker, limit)
    assert _fail_logins(attacker, 1) == 429  # that address is locked ...
    officer = _from(proxied_app, "203.0.113.7")
    response = officer.login(world.email("rapport"), PASSWORD)
    assert response.status_code == 302  # ... and a real user elsewhere is not


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(app: Flask) -> None:
    build_world()
    limit = app.config["FORMAPP_LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for n in range(limit):
        # A new made-up address each time does not escape the lock of the real one.
        _fail_logins(_from(app, f"192.0.2.{n}"), 1)
    assert _fail_logins(_from(app, "192.0.2.250"), 1) == 429
