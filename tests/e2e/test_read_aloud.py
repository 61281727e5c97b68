"""Read aloud in a real browser (issue 19): a participant presses play on a section in Swedish
and in Arabic; the section is highlighted, the audio plays (Chromium needs no sound card for
that), the buttons are big enough for a finger, axe finds nothing serious, and what was heard
is sealed with the consent.

Screenshots at 1024×768: test-output/screenshots/read-aloud-<locale>-*.png.
"""

from __future__ import annotations

import io
import json
import shutil
import threading
from collections.abc import Iterator

import pikepdf
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from sqlalchemy import select

from formapp.cases.read_aloud import upload_recording
from formapp.definitions.consent_texts import latest_builtin
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.readaloud.sections import reading_sections
from formapp.records.models import Consent, Forbund
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, TABLETS, Site, shot
from tests.e2e.journey import hand_back, login, sign, start_consent
from tests.e2e.test_accessibility import serious
from tests.web.test_read_aloud import spoken_wav

pytestmark = [
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is missing"),
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]
TARGET = 44  # px, WCAG 2.5.5


@pytest.fixture(scope="module")
def chromium_playing() -> Iterator[Browser]:
    """Chromium that may start audio from a script: a tap is what starts it in these tests,
    but the play() after a section ends ("read all") must not need one either."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"])
        yield browser
        browser.close()


@pytest.fixture
def tablet(chromium_playing: Browser) -> Iterator[BrowserContext]:
    context = chromium_playing.new_context(viewport=TABLETS["small"], has_touch=True,
                                           locale="sv-SE")
    yield context
    context.close()


def audio_time(page: Page) -> float:
    return page.evaluate("document.querySelector('[data-read-aloud-audio]').currentTime")


def wait_until_played(page: Page, seconds: float) -> None:
    """Polls the player (wait_for_function evaluates a string, which the page's CSP forbids)."""
    for _ in range(300):
        if audio_time(page) > seconds:
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"the audio did not reach {seconds} s")


@pytest.mark.parametrize("locale", ["sv", "ar"])
def test_a_section_is_read_aloud_and_the_evidence_sealed(site: Site, tablet: BrowserContext,
                                                         locale: str) -> None:
    page = tablet.new_page()
    base, world = site.url, site.world
    login(page, base, world.email("deltagaransvarig"))
    start_consent(page, base, world.insats_a1.id, "19850315-2384")
    page.click(f"a.language-choice[href$='/{locale}']")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale == "ar" else "ltr")
    # Nothing plays by itself.
    assert page.evaluate("document.querySelector('[data-read-aloud-audio]').paused")
    buttons = page.locator(".read-aloud-section")
    expect(buttons).to_have_count(page.locator("article.consent-text").first
                                  .locator("[data-read-section]").count())
    shot(page, f"read-aloud-{locale}-page")

    section = page.locator("article.consent-text").first.locator('[data-read-section="1"]')
    section.locator(".read-aloud-section").tap()
    expect(section).to_have_class("consent-section is-reading")
    expect(section.locator(".read-aloud-section")).to_have_attribute("data-playing", "true")
    wait_until_played(page, 0.5)
    expect(page.locator("#read-aloud-evidence")).not_to_have_value("")
    shot(page, f"read-aloud-{locale}-playing")

    for box in [b.bounding_box() for b in page.locator(
            ".read-aloud-section:visible, [data-read-all]").all()]:
        assert box["width"] >= TARGET and box["height"] >= TARGET, box
    assert serious(page) == []

    section.locator(".read-aloud-section").tap()  # pause
    expect(section.locator(".read-aloud-section")).to_have_attribute("data-playing", "false")
    paused_at = audio_time(page)
    assert paused_at > 0.5
    reported = json.loads(page.input_value("#read-aloud-evidence"))
    assert reported[0]["source"] == "machine" and reported[0]["section"] == 1
    assert reported[0]["seconds"] > 0

    sign(page)
    page.goto(f"{base}/deltagare/tillbaka")
    hand_back(page)
    page.wait_for_url("**/samtycken/*")
    consent = db.session.scalar(select(Consent))
    pdf = evidence().archive.read(consent.pdf_sha256)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        record = json.loads(document.attachments["record.json"].get_file().read_bytes())
    heard = record["read_aloud"]
    assert [(h["source"], h["section"], h["locale"]) for h in heard] == [
        ("machine", 1, locale)]
    assert len(heard[0]["audio_sha256"]) == 64 and heard[0]["played_seconds"] > 0


def test_read_all_goes_from_section_to_section(site: Site, tablet: BrowserContext) -> None:
    page = tablet.new_page()
    base, world = site.url, site.world
    login(page, base, world.email("deltagaransvarig"))
    start_consent(page, base, world.insats_a1.id, "19850315-2384")
    page.click("a.language-choice[href$='/sv']")
    page.wait_for_load_state()
    page.locator("[data-read-all]").tap()
    title = page.locator("article.consent-text").first.locator('[data-read-section="0"]')
    expect(title).to_have_class("consent-section is-reading")
    expect(page.locator("[data-read-all]")).to_have_attribute("data-playing", "true")
    # The title is short: "read all" moves on to the first section by itself.
    first = page.locator("article.consent-text").first.locator('[data-read-section="1"]')
    expect(first).to_have_class("consent-section is-reading", timeout=60000)
    expect(title).to_have_class("consent-section")
    shot(page, "read-aloud-sv-read-all")


def _upload_in_thread(site: Site, starts: str) -> None:
    """A recording of the Swedish text (espeak-ng standing in for an interpreter), uploaded
    as the förbund does; in a thread of its own, as the commit seals with asyncio."""
    failed: list[BaseException] = []

    def work() -> None:
        with site.app.app_context():
            try:
                forbund = db.session.get(Forbund, site.world.forbund_a.id)
                text = latest_builtin("sv")
                raw = spoken_wav("Det här är en inläsning av hela texten. " * 6)
                upload_recording(forbund, f"{text.version}:{text.sha256}", raw, by=None,
                                 max_bytes=50_000_000, section_starts=starts)
                db.session.commit()
            except BaseException as exc:  # re-raised in the test's thread
                failed.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


@pytest.mark.parametrize("timed", [True, False])
def test_a_human_recording_marks_what_it_reads(site: Site, tablet: BrowserContext,
                                               timed: bool) -> None:
    sections = len(reading_sections(latest_builtin("sv")))
    _upload_in_thread(site, ", ".join(str(i) for i in range(sections)) if timed else "")
    page = tablet.new_page()
    login(page, site.url, site.world.email("deltagaransvarig"))
    start_consent(page, site.url, site.world.insats_a1.id, "19850315-2384")
    page.click("a.language-choice[href$='/sv']")
    page.wait_for_load_state()
    expect(page.locator('[data-track][data-source="recorded"]')).to_have_count(1)
    article = page.locator("article.consent-text").first
    page.locator("[data-read-all]").tap()
    if timed:
        # One section at a time, following the times given at upload.
        expect(article.locator('[data-read-section="0"]')).to_have_class(
            "consent-section is-reading")
        wait_until_played(page, 1.2)
        expect(article.locator('[data-read-section="1"]')).to_have_class(
            "consent-section is-reading")
        expect(article.locator('[data-read-section="0"]')).to_have_class("consent-section")
        expect(article).to_have_class("consent-text")
        shot(page, "read-aloud-recorded-sections")
    else:
        # No times: the whole text is marked while the recording plays.
        expect(article).to_have_class("consent-text is-reading")
        expect(article.locator(".is-reading")).to_have_count(0)
        shot(page, "read-aloud-recorded-whole")
