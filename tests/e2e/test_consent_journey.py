"""The consent journey on a tablet in a real browser, with real finger strokes."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import func, select

from formapp.extensions import db
from formapp.records.models import Consent
from tests.e2e.conftest import TABLETS, Site, shot
from tests.e2e.journey import (
    draw_with_finger,
    draw_with_mouse,
    hand_back,
    login,
    send_signature,
    start_consent,
)

PNR = {"sv": "19121212-1212", "ar": "19800101-1009", "ti": "19900202-2003",
       "fa": "19121212-1212", "ckb": "19121212-1212", "th": "19121212-1212"}
RTL = {"ar", "fa", "fa_AF", "ckb"}


def swedish_signing_page(site: Site, tablet: BrowserContext) -> Page:
    """The officer has logged in and started a consent; the participant chose Swedish."""
    page = tablet.new_page()
    login(page, site.url, site.world.email("deltagaransvarig"))
    start_consent(page, site.url, site.world.insats_a1.id, PNR["sv"])
    page.click("a.language-choice[href$='/sv']")
    return page


def consents() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Consent))


# sv, ar and ti walk the whole journey (test_whole_journey.py); these the consent only.
@pytest.mark.parametrize("locale", ["fa", "ckb", "th"])
def test_consent_in_the_participants_language(site: Site, tablet: BrowserContext,
                                              locale: str) -> None:
    page = tablet.new_page()
    base, world = site.url, site.world
    login(page, base, world.email("deltagaransvarig"))
    shot(page, f"consent-{locale}-1-home")
    start_consent(page, base, world.insats_a1.id, PNR[locale])
    shot(page, f"consent-{locale}-2-language")
    page.click(f"a.language-choice[href$='/{locale}']")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale in RTL else "ltr")
    shot(page, f"consent-{locale}-3-read")
    page.check("#confirmed")
    page.fill("#name", "Testperson Exempelsson")
    draw_with_finger(page)
    shot(page, f"consent-{locale}-4-signed")
    page.click("#sign-submit")
    expect(page.locator("#certify")).to_be_visible()
    expect(page.locator("#certify-name")).to_have_text("Testperson Exempelsson")
    shot(page, f"consent-{locale}-4b-certify")
    page.click("#certify-sign")
    page.wait_for_url("**/deltagare/klart")
    shot(page, f"consent-{locale}-5-thanks")
    page.click("a.button.big")
    hand_back(page)
    page.wait_for_url("**/samtycken/*")
    expect(page.locator(".notice.ok")).to_be_visible()
    shot(page, f"consent-{locale}-6-receipt")
    assert consents() == 1
    consent = db.session.scalar(select(Consent))
    assert consent.locale == locale
    # FK 9448 with its questions in the participant's language, for them to follow along.
    page.goto(f"{base}/samtycken/{consent.id}/inregistrering?qlang={locale}")
    shot(page, f"register-9448-{locale}")


def test_an_empty_signature_is_refused_in_the_browser(site: Site,
                                                      tablet: BrowserContext) -> None:
    page = swedish_signing_page(site, tablet)
    page.check("#confirmed")
    page.fill("#name", "Testperson Exempelsson")
    url = page.url
    page.click("#sign-submit")
    expect(page.locator("#signature-client-error")).to_be_visible()
    assert page.url == url and consents() == 0
    page.tap("#signature-canvas")  # a tap is not a signature
    page.click("#sign-submit")
    expect(page.locator("#signature-client-error")).to_be_visible()
    assert consents() == 0
    shot(page, "consent-empty-signature")


def test_the_signature_survives_rotation_and_a_stroke_does_not_scroll(
        site: Site, tablet: BrowserContext) -> None:
    page = swedish_signing_page(site, tablet)
    page.locator("#signature-canvas").scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    draw_with_finger(page)
    assert page.evaluate("window.scrollY") == before  # the stroke drew, the page stayed
    signature = page.input_value("#signature")
    assert '"strokes"' in signature
    page.set_viewport_size(TABLETS["landscape"])
    page.wait_for_timeout(200)
    assert page.input_value("#signature") == signature  # nothing lost on rotation
    ink = page.evaluate("""() => {
        const c = document.getElementById('signature-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""")
    assert ink > 100  # and it is drawn again at the new size
    shot(page, "consent-rotated")
    page.check("#confirmed")
    page.fill("#name", "Testperson Exempelsson")
    send_signature(page)
    assert consents() == 1


def test_a_double_tap_on_sign_stores_one_consent(site: Site, tablet: BrowserContext) -> None:
    page = swedish_signing_page(site, tablet)
    page.check("#confirmed")
    page.fill("#name", "Testperson Exempelsson")
    draw_with_mouse(page)
    page.click("#sign-submit")
    page.dblclick("#certify-sign")
    page.wait_for_url("**/deltagare/klart")
    assert consents() == 1


def test_back_after_hand_back_shows_nothing_of_the_participant(
        site: Site, tablet: BrowserContext) -> None:
    page = swedish_signing_page(site, tablet)
    page.check("#confirmed")
    page.fill("#name", "Testperson Exempelsson")
    draw_with_finger(page)
    send_signature(page)
    page.click("a.button.big")
    hand_back(page)
    page.wait_for_url("**/samtycken/*")
    page.go_back()
    page.go_back()
    body = page.locator("body").inner_text()
    assert "Skriv under" not in body and "Din underskrift" not in body


def test_a_tablet_left_alone_locks_to_the_hand_back_screen(site: Site,
                                                           tablet: BrowserContext) -> None:
    site.app.config["FORMAPP_HANDOVER_IDLE_SECONDS"] = 2
    page = swedish_signing_page(site, tablet)
    page.wait_for_url("**/deltagare/tillbaka", timeout=6000)
    expect(page.locator("#password")).to_be_visible()
    shot(page, "handover-locked")
    page.goto(site.url + "/insatser/")  # still locked: only the password opens it
    assert "/deltagare/" in page.url


def test_everything_missing_is_said_at_once_where_the_eyes_are(
        site: Site, tablet: BrowserContext) -> None:
    page = swedish_signing_page(site, tablet)
    expect(page.locator("#shown-personnummer")).to_have_text("19121212-1212")
    page.click("#sign-submit")
    for error in ("#confirmed-client-error", "#name-client-error", "#signature-client-error"):
        expect(page.locator(error)).to_be_visible()
    # The first missing part is on screen, not 2,000 px further up or down.
    box = page.locator("#confirmed").bounding_box()
    assert box is not None and 0 <= box["y"] <= page.viewport_size["height"]
    assert consents() == 0
    shot(page, "consent-missing-parts")


def test_the_lock_keeps_what_was_written_for_the_same_participant(
        site: Site, tablet: BrowserContext) -> None:
    site.app.config["FORMAPP_HANDOVER_IDLE_SECONDS"] = 4
    page = swedish_signing_page(site, tablet)
    read_url = page.url
    page.fill("#name", "Testperson Exempelsson")
    draw_with_finger(page)
    signature = page.input_value("#signature")
    expect(page.locator(".lock-warning")).to_be_visible(timeout=6000)
    shot(page, "consent-lock-warning")
    page.wait_for_url("**/deltagare/tillbaka", timeout=8000)
    site.app.config["FORMAPP_HANDOVER_IDLE_SECONDS"] = 180
    page.goto(read_url)  # locked on the server: back to the lock screen
    assert page.url.endswith("/deltagare/tillbaka")
    hand_back(page)
    page.wait_for_url("**/pausat")
    shot(page, "consent-paused")
    page.click("[name=resume]")
    page.wait_for_url("**/sprak")
    page.click("a.language-choice[href$='/sv']")
    assert page.input_value("#name") == "Testperson Exempelsson"
    assert page.input_value("#signature") == signature
    assert not page.is_checked("#confirmed")
    page.check("#confirmed")
    send_signature(page)
    assert consents() == 1
