"""The whole tablet journey of issue 9 in a real browser, with touch and real finger strokes:
login → insats → consent in the participant's language → hand back → FK 9448 through the real
form → later FK 9449 via "Sök deltagare" → a report, read by the rapport user.

In Swedish, Arabic (right-to-left) and Tigrinya (Ethiopic), on a 1024×768 tablet held in
landscape and an 820×1180 one in portrait. A screenshot of each step goes to
test-output/screenshots/journey-<locale>-<size>-<step>.png (CI output, git-ignored).

The browser walk is the same on both databases; PostgreSQL walks one of the six (Arabic,
portrait) so the suite stays quick, SQLite all six.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from formapp.clock import today
from formapp.extensions import db
from formapp.records.models import Consent, Registration
from tests.e2e.conftest import TABLETS, Site, shot
from tests.e2e.journey import (
    draw_with_finger,
    fill_9448,
    fill_9449,
    hand_back,
    log_out,
    login,
    start_consent,
)

SIZES = {"landscape": TABLETS["small"], "portrait": TABLETS["portrait"]}
RTL = {"ar"}
# A woman born 1985 for each walk (kön and age come from the personnummer).
PNR = {"sv": "19850315-2384", "ar": "19850315-2384", "ti": "19850315-2384"}
WALKS = [pytest.param("sqlite", locale, size, id=f"sqlite-{locale}-{size}")
         for locale in ("sv", "ar", "ti") for size in SIZES]
WALKS.append(pytest.param("postgresql", "ar", "portrait", id="postgresql-ar-portrait"))


def fits_the_screen(page: Page) -> None:
    """Nothing wider than the tablet: no sideways scrolling on any step."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


@pytest.mark.parametrize(("database_url", "locale", "size"), WALKS,
                         indirect=["database_url"])
def test_the_whole_journey_on_a_tablet(site: Site, chromium: Browser, locale: str,
                                       size: str) -> None:
    context = chromium.new_context(viewport=SIZES[size], has_touch=True, is_mobile=False,
                                   locale="sv-SE")
    page = context.new_page()
    base, world, insats = site.url, site.world, site.world.insats_a1
    step = 0

    def snap(name: str) -> None:
        nonlocal step
        step += 1
        shot(page, f"journey-{locale}-{size}-{step:02d}-{name}")
        fits_the_screen(page)

    try:
        # The officer logs in and opens the insats.
        page.goto(f"{base}/login")
        snap("login")
        login(page, base, world.email("deltagaransvarig"))
        page.click(f"a[href='/insatser/{insats.id}']")
        page.wait_for_url(f"**/insatser/{insats.id}")
        snap("insats")
        page.click(f"a[href='/insatser/{insats.id}/samtycke']")

        # FK 9443: the officer starts it, the participant reads and signs in their language.
        start_consent(page, base, insats.id, PNR[locale])
        snap("language")
        page.click(f"a.language-choice[href$='/{locale}']")
        expect(page.locator("html")).to_have_attribute("dir",
                                                       "rtl" if locale in RTL else "ltr")
        expect(page.locator("html")).to_have_attribute("lang", locale)
        snap("read")
        page.check("#confirmed")
        page.fill("#name", "Testperson Exempelsson")
        draw_with_finger(page)
        assert '"strokes"' in page.input_value("#signature")
        snap("signed")
        page.click("#sign-submit")
        expect(page.locator("#certify")).to_be_visible()
        snap("certify")
        page.click("#certify-sign")
        page.wait_for_url("**/deltagare/klart")
        snap("thanks")
        page.click("a.button.big")
        page.wait_for_url("**/deltagare/tillbaka")
        snap("hand-back")
        hand_back(page)
        page.wait_for_url("**/samtycken/*")
        expect(page.locator(".notice.ok")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "sv")  # the officer's again
        snap("receipt")
        consent = db.session.scalar(select(Consent))
        assert consent.locale == locale

        # FK 9448 from the receipt, its questions in the participant's language.
        page.click(f"a[href$='/samtycken/{consent.id}/inregistrering']")
        page.wait_for_url("**/inregistrering")  # loaded: its script reacts to the choice
        page.select_option("#qlang", locale)  # applies at once (the page reloads)
        expect(page.locator(".paper-form")).to_have_attribute("lang", locale)
        expect(page.locator("#q-stadsdel")).to_be_hidden()
        expect(page.locator("#q-arbete_procent_fore")).to_be_hidden()
        start = today() - timedelta(days=40)
        fill_9448(page, start.isoformat())
        expect(page.locator("#q-stadsdel")).to_be_visible()
        expect(page.locator("#q-arbete_procent_fore")).to_be_visible()
        expect(page.locator("#q-studie_procent_fore")).to_be_hidden()
        snap("9448-filled")
        page.click("form.paper-form-page .actions button[type=submit]")
        page.wait_for_url("**/registreringar/*")
        expect(page.locator(".flash-success")).to_be_visible()
        snap("9448-saved")
        registration = db.session.scalar(select(Registration))
        assert registration.kommun == "0180" and registration.stadsdel
        assert registration.start_date == start and registration.is_active

        # Later: FK 9449, found through "Sök deltagare".
        page.goto(f"{base}/insatser/{insats.id}")
        page.click(f"a[href='/insatser/{insats.id}/deltagare']")
        page.fill("#q", "Exempelsson")
        page.click("form.search-form button[type=submit]")
        row = page.locator("table.participants tbody tr")
        expect(row).to_have_count(1)
        expect(row).to_contain_text(PNR[locale])
        snap("search")
        deregister = row.locator(f"a[href$='/registreringar/{registration.id}/utregistrering']")
        box = deregister.bounding_box()  # on screen, not behind a sideways scroll
        assert box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"]
        deregister.click()
        page.wait_for_url("**/utregistrering")
        page.select_option("#qlang", locale)
        expect(page.locator(".paper-form")).to_have_attribute("lang", locale)
        fill_9449(page, today().isoformat())
        snap("9449-filled")
        page.click("form.paper-form-page .actions button[type=submit]")
        page.wait_for_url(f"**/registreringar/{registration.id}")
        expect(page.locator(".flash-success")).to_be_visible()
        snap("9449-saved")
        db.session.expire_all()
        registration = db.session.get(Registration, registration.id)
        assert registration.end_date == today() and registration.end_reason == "1"

        # The rapport user reads the report of end reasons for the year.
        log_out(page)
        login(page, base, world.email("rapport"))
        page.click("a[href='/rapporter/']")
        page.click("a[href='/rapporter/avslut']")
        page.wait_for_url("**/rapporter/avslut")
        # One woman ended with reason 1 this year: too few to show, so "–" where 0 would be.
        reason_1 = page.locator("table.numbers tbody tr", has_text="Utskrivning - till arbete")
        expect(reason_1.locator("td").first).to_have_class("suppressed")
        snap("report")
    finally:
        context.close()
