"""The login page with the organisation's identity provider, in Swedish, in Chromium (issue
20): the button is there, large enough for a finger, and takes the officer through the real
provider (npm's oidc-provider on a loopback port) and back, signed in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect
from werkzeug.serving import make_server

from formapp.extensions import db
from tests.conftest import make_app, tables_of
from tests.e2e.conftest import Site, shot
from tests.oidc_provider import RunningProvider, running_provider
from tests.world import build_world

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def idp() -> Iterator[RunningProvider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture
def idp_site(database_url: str, tmp_path: Path, webfonts: Path,
             idp: RunningProvider) -> Iterator[Site]:
    provider = idp.config(label="Region Exempel")
    app = make_app(database_url, tmp_path / "data", FORMAPP_OIDC_PROVIDERS=(provider,))
    with tables_of(app):
        world = build_world()
        # Linked as the Användare page does, without its audit entry: sealing the trail's
        # checkpoint needs asyncio, which Playwright's loop holds in this thread.
        officer = world.users["deltagaransvarig"]
        officer.idp_provider, officer.idp_subject = provider.key, "anna"
        db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Site(app, f"http://127.0.0.1:{server.server_port}", world)
        finally:
            server.shutdown()
            thread.join(timeout=5)


@SQLITE_ONLY
def test_the_idp_button_on_the_swedish_login_page(idp_site: Site,
                                                  tablet: BrowserContext) -> None:
    page = tablet.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{idp_site.url}/login")
    assert page.locator("html").get_attribute("lang") == "sv"
    button = page.get_by_role("link", name="Logga in med Region Exempel")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    expect(page.get_by_text("eller med e-post och lösenord")).to_be_visible()
    expect(page.get_by_label("E-post")).to_be_visible()  # the password login stays
    shot(page, "oidc-login-sv")

    button.click()
    page.get_by_label("Name").fill("anna")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{idp_site.url}/")
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    name = idp_site.world.users["deltagaransvarig"].full_name
    expect(page.get_by_role("heading", name=f"Välkommen, {name}")).to_be_visible()
    shot(page, "oidc-signed-in-sv")
    assert not [e for e in errors if "Content Security Policy" in e], errors
