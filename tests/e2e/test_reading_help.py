"""Help for reading on the participant's pages (issue 19 point 7), on a tablet with touch at
820×1180 and 1024×768, in Swedish and Arabic:

- a text size control (three sizes, labelled in the participant's language) that changes the
  text size, keeps the choice for this hand-over only, and starts the next hand-over at normal
  size;
- a progress indicator "Läs → Bekräfta → Skriv under → Klart" with aria-current on the step the
  participant is at, on the language, reading and thank-you pages;
- every touch target on those pages at least 44×44 px (each one measured), axe with no serious
  or critical finding.

Screenshots: test-output/screenshots/reading-help-<locale>-<viewport>-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask_babel import force_locale
from playwright.sync_api import Browser, BrowserContext, Page, expect

from formapp.i18n import _p
from tests.e2e.conftest import TABLETS, Site, shot
from tests.e2e.journey import hand_back, login, sign, start_consent
from tests.e2e.test_accessibility import serious

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
TARGET = 44  # px, WCAG 2.5.5
PNR = "19850315-2384"
STEPS = ("Läs", "Bekräfta", "Skriv under", "Klart")

# Every control a finger can touch: a check box or radio button by its label (the row is
# what is tapped), everything else by its own box.
TARGETS_JS = """() => Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex="0"]'))
  .filter(el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
  .map(el => {
    const box = (['checkbox', 'radio'].includes(el.type) && el.closest('label')) || el;
    const r = box.getBoundingClientRect();
    return {what: el.outerHTML.slice(0, 90), width: r.width, height: r.height};
  })"""


@pytest.fixture(params=["portrait", "small"])
def tablet(request: pytest.FixtureRequest, chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context(viewport=TABLETS[request.param], has_touch=True,
                                   locale="sv-SE")
    context.viewport_name = request.param  # type: ignore[attr-defined]
    yield context
    context.close()


def words(site: Site, locale: str, *msgids: str) -> list[str]:
    with site.app.test_request_context(), force_locale(locale):
        return [_p(msgid) for msgid in msgids]


def small_targets(page: Page) -> list[dict]:
    return [t for t in page.evaluate(TARGETS_JS)
            if t["width"] < TARGET or t["height"] < TARGET]


def text_px(page: Page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.querySelector("
                         "'main p, main li')).fontSize)")


def check_page(page: Page, site: Site, locale: str, step: int, name: str) -> None:
    """The progress indicator in ``locale`` at ``step``, the size control, targets, axe."""
    progress = page.locator("nav.progress li")
    expect(progress).to_have_text(words(site, locale, *STEPS))
    expect(page.locator('nav.progress [aria-current="step"]')).to_have_count(1)
    expect(progress.nth(step)).to_have_attribute("aria-current", "step")
    sizes = page.locator(".text-size button")
    expect(sizes).to_have_text(words(site, locale, "Normal", "Större", "Störst"))
    assert small_targets(page) == []
    assert serious(page) == []
    shot(page, f"reading-help-{locale}-{page.context.viewport_name}-{name}")  # type: ignore


@pytest.mark.parametrize("locale", ["sv", "ar"])
def test_text_size_progress_and_touch_targets(site: Site, tablet: BrowserContext,
                                              locale: str) -> None:
    page = tablet.new_page()
    base, world = site.url, site.world
    login(page, base, world.email("deltagaransvarig"))
    start_consent(page, base, world.insats_a1.id, PNR)
    check_page(page, site, "sv", 0, "language")  # each participant starts in Swedish

    page.locator(f"a.language-choice[href$='/{locale}']").tap()
    page.wait_for_url(f"**/{locale}")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale == "ar" else "ltr")
    check_page(page, site, locale, 0, "read")
    normal = text_px(page)
    buttons = page.locator(".text-size button")
    expect(buttons.nth(0)).to_have_attribute("aria-pressed", "true")
    buttons.nth(2).tap()
    expect(buttons.nth(2)).to_have_attribute("aria-pressed", "true")
    expect(buttons.nth(0)).to_have_attribute("aria-pressed", "false")
    largest = text_px(page)
    assert largest >= normal * 1.4, (normal, largest)
    buttons.nth(1).tap()
    assert normal < text_px(page) < largest
    buttons.nth(2).tap()
    assert small_targets(page) == [] and serious(page) == []
    shot(page, f"reading-help-{locale}-{tablet.viewport_name}-read-largest")  # type: ignore

    # Kept while this participant goes on: to the language page and back, and to the end.
    page.locator(".participant-nav a").tap()
    page.wait_for_url("**/sprak")
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-size-3\b"))
    expect(page.locator(".text-size button").nth(2)).to_have_attribute("aria-pressed", "true")
    page.locator(f"a.language-choice[href$='/{locale}']").tap()
    page.wait_for_url(f"**/{locale}")
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-size-3\b"))
    assert text_px(page) == pytest.approx(largest, rel=0.02)

    # The step moves on as the participant does: confirm, then sign.
    page.locator("#confirmed-field").scroll_into_view_if_needed()
    expect(page.locator("nav.progress li").nth(1)).to_have_attribute("aria-current", "step")
    page.check("#confirmed")
    expect(page.locator("nav.progress li").nth(2)).to_have_attribute("aria-current", "step")
    page.uncheck("#confirmed")
    sign(page)
    check_page(page, site, locale, 3, "done")
    expect(page.locator(".text-size button").nth(2)).to_have_attribute("aria-pressed", "true")

    # The next participant starts at normal size.
    page.goto(f"{base}/deltagare/tillbaka")
    hand_back(page)
    page.wait_for_url("**/samtycken/*")
    start_consent(page, base, world.insats_a1.id, "19121212-1212")
    expect(page.locator(".text-size button").nth(0)).to_have_attribute("aria-pressed", "true")
    assert text_px(page) < largest
