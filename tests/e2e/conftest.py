"""Browser tests: formapp served on loopback, driven by Playwright in Debian's Chromium.

`make test` installs Chromium; Playwright never downloads a browser. Screenshots of each
step go to test-output/screenshots/ (CI output, not committed).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from formapp.extensions import db
from formapp.translation.webfonts import build_webfonts
from tests.conftest import WEBFONT_DIR, empty_tables, make_app
from tests.world import World, build_world

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TABLETS = {"portrait": {"width": 820, "height": 1180}, "landscape": {"width": 1180, "height": 820},
           "small": {"width": 1024, "height": 768}}

pytestmark = pytest.mark.e2e


@dataclass
class Site:
    app: Flask
    url: str
    world: World


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Per module: Playwright's sync API keeps an asyncio loop running in this thread while it
    is open, and pyHanko (sealing, in tests after these) needs asyncio.run()."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def webfonts() -> Path:
    """Built before any page loads: a first build (30-45 s on a busy machine) inside a page
    request would run into the browser's timeout."""
    build_webfonts(WEBFONT_DIR)
    return WEBFONT_DIR


@pytest.fixture
def site(database_url: str, tmp_path: Path, webfonts: Path) -> Iterator[Site]:
    """formapp with a small world of users, served on a free loopback port."""
    app = make_app(database_url, tmp_path / "data")
    with app.app_context():
        db.create_all()
        _empty()
        world = build_world()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Site(app, f"http://127.0.0.1:{server.server_port}", world)
        finally:
            server.shutdown()
            thread.join(timeout=5)
            db.session.rollback()
            _empty()
            db.session.remove()
            db.engine.dispose()


def _empty() -> None:
    """The PostgreSQL schema is shared by the whole test run: leave it empty (SQLite: every
    test has a database file of its own)."""
    empty_tables()


@pytest.fixture
def tablet(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context(viewport=TABLETS["portrait"], has_touch=True,
                                   is_mobile=False, locale="sv-SE")
    yield context
    context.close()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
