"""Accessibility in a real browser (issue 9, WCAG 2.2 AA):

- axe-core on every page formapp has, in Swedish and in Arabic (right-to-left): the consent
  journey, FK 9448 and FK 9449 with their error states, Sök deltagare, the anonymous and volume
  counts, the person pages, reports, and the administrators' pages: no serious or critical
  violation;
- FK 9448 with the keyboard alone: the tab order reaches every question in the order shown,
  and the kommun is found by typing;
- 200 % zoom on a 1024×768 tablet (512×384 CSS pixels): nothing cut off or only reachable by
  scrolling sideways on the consent pages and FK 9448.

The markup does not depend on the database: these run on SQLite only (the whole journey runs on
PostgreSQL too, in test_whole_journey.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from formapp.clock import today
from formapp.extensions import db
from formapp.records.models import Consent, Person, Registration
from tests.e2e.conftest import Site, shot
from tests.e2e.journey import (
    draw_with_finger,
    draw_with_mouse,
    fill_9448,
    fill_9449,
    hand_back,
    log_out,
    login,
    sign,
    start_consent,
)

AXE = Axe()
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                               "wcag22aa"]},
        "resultTypes": ["violations"]}
LOCALES = ("sv", "ar")
PNR = "19850315-2384"
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def serious(page: Page) -> list[str]:
    results = AXE.run(page, options=WCAG).response
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def with_lang(url: str, locale: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={locale}"


class Auditor:
    """Runs axe on a page in each locale and keeps what it finds, page by page."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.base = base
        self.found: dict[str, list[str]] = {}

    def here(self, name: str, locale: str) -> None:
        """The page as it is now (a form's error state, a participant page)."""
        expect(self.page.locator("html")).to_have_attribute("lang", locale)
        self.found[f"{locale}:{name}"] = serious(self.page)
        shot(self.page, f"a11y-{locale}-{name}")

    def pages(self, paths: dict[str, str]) -> None:
        """Pages reached by GET (name: path), each in every locale."""
        for name, path in paths.items():
            for locale in LOCALES:
                self.page.goto(with_lang(self.base + path, locale))
                self.here(name, locale)

    def submitted(self, name: str, path: str, form: str = "main form.form",
                  button: str = "button[type=submit]:not([name])") -> None:
        """A form sent as it is (empty): the page with its error messages, in every locale."""
        for locale in LOCALES:
            self.page.goto(with_lang(self.base + path, locale))
            self.page.eval_on_selector(form, "(f, lang) => { const u = new URL("
                                             "f.getAttribute('action') || location.href, "
                                             "location.href); "
                                             "u.searchParams.set('lang', lang); "
                                             "f.setAttribute('action', u); }", locale)
            with self.page.expect_navigation():
                self.page.locator(form).locator(button).last.click()
            self.here(name, locale)

    def searched(self, name: str, path: str, query: str) -> None:
        """Sök deltagare's result for ``query`` (a POST: no search is in a URL)."""
        for locale in LOCALES:
            self.page.goto(with_lang(self.base + path, locale))
            self.page.fill("#q", query)
            self.page.eval_on_selector("form.search-form", "(f, lang) => { const u = new URL("
                                       "f.getAttribute('action'), location.href); "
                                       "u.searchParams.set('lang', lang); "
                                       "f.setAttribute('action', u); }", locale)
            with self.page.expect_navigation():
                self.page.click("form.search-form button[type=submit]")
            self.here(name, locale)

    def problems(self) -> dict[str, list[str]]:
        return {name: issues for name, issues in self.found.items() if issues}


REPORTS = ("avslut", "kon-alder", "bakgrund", "resultat", "inriktning", "prioriterade",
           "nationell")


@SQLITE_ONLY
def test_no_serious_violation_on_any_page(site: Site, tablet: BrowserContext) -> None:
    page = tablet.new_page()
    base, world = site.url, site.world
    insats, forbund = world.insats_a1, world.forbund_a
    audit = Auditor(page, base)

    audit.pages({"login": "/login"})
    audit.submitted("login-errors", "/login")
    login(page, base, world.email("deltagaransvarig"))
    audit.pages({"home": "/", "insatser": "/insatser/", "insats": f"/insatser/{insats.id}",
                 "not-found": "/insatser/99999", "password": "/account/password",
                 "consent-start": f"/insatser/{insats.id}/samtycke"})
    audit.submitted("consent-start-errors", f"/insatser/{insats.id}/samtycke")

    # The participant's pages: their language is the one they pick.
    start_consent(page, base, insats.id, PNR)
    picker = page.url
    audit.pages({"language": picker.removeprefix(base)})
    for locale in LOCALES:
        page.goto(picker)
        page.click(f"a.language-choice[href$='/{locale}']")
        audit.here("read", locale)
        page.click("#sign-submit")  # nothing filled in: the messages in the browser
        expect(page.locator("#signature-client-error")).to_be_visible()
        audit.here("read-errors", locale)
        page.check("#confirmed")
        page.fill("#name", "Testperson Exempelsson")
        draw_with_finger(page)
        page.click("#sign-submit")  # the certification step: what will be sealed
        expect(page.locator("#certify")).to_be_visible()
        audit.here("certify", locale)
        page.click("#certify-change")  # "Ändra": back to the form, as it was
        expect(page.locator("#sign-submit")).to_be_visible()
    sign(page)
    audit.pages({"thanks": "/deltagare/klart", "hand-back": "/deltagare/tillbaka"})
    audit.submitted("hand-back-errors", "/deltagare/tillbaka")
    hand_back(page)
    page.wait_for_url("**/samtycken/*")
    consent = db.session.scalar(select(Consent))

    # FK 9448, Sök deltagare, FK 9449 and the registration's pages.
    audit.pages({"receipt": f"/samtycken/{consent.id}",
                 "9448-gate": f"/insatser/{insats.id}/inregistrering",
                 "9448": f"/samtycken/{consent.id}/inregistrering"})
    audit.submitted("9448-errors", f"/samtycken/{consent.id}/inregistrering",
                    "form.paper-form-page")
    page.goto(f"{base}/samtycken/{consent.id}/inregistrering")
    fill_9448(page, (today() - timedelta(days=40)).isoformat())
    page.click("form.paper-form-page .actions button[type=submit]")
    page.wait_for_url("**/registreringar/*")
    registration = f"/registreringar/{db.session.scalar(select(Registration)).id}"
    audit.pages({"registration": registration,
                 "9448-correction": f"{registration}/rattelse",
                 "participant-search": f"/insatser/{insats.id}/deltagare",
                 "9449": f"{registration}/utregistrering",
                 "erase": f"{registration}/ta-bort"})
    audit.searched("participant-search-none", f"/insatser/{insats.id}/deltagare", "Ingen")
    audit.submitted("9449-errors", f"{registration}/utregistrering", "form.paper-form-page")
    page.goto(f"{base}{registration}/utregistrering")
    fill_9449(page, today().isoformat())
    page.click("form.paper-form-page .actions button[type=submit]")
    page.wait_for_url(f"**{registration}")
    audit.pages({"registration-ended": registration,
                 "9449-correction": f"{registration}/utregistrering/rattelse",
                 "anonymous-counts": f"/insatser/{insats.id}/anonyma"})
    audit.submitted("anonymous-counts-errors", f"/insatser/{insats.id}/anonyma",
                    "main form.count-form", "button[value='add:kvinnor']")
    log_out(page)

    # The insatsansvarig: insatser and the volume counts.
    login(page, base, world.email("insatsansvarig"))
    audit.pages({"insats-new": "/insatser/new", "insats-edit": f"/insatser/{insats.id}/edit",
                 "insats-assign": f"/insatser/{insats.id}",
                 "volume-counts": f"/insatser/{world.insats_volume.id}/volym"})
    audit.submitted("insats-new-errors", "/insatser/new")
    log_out(page)

    # The samverkansadministratör: the förbund, its users, texts, people, reports, audit trail.
    login(page, base, world.email("samverkansadmin"))
    audit.pages({"forbund": f"/forbund/{forbund.id}", "forbund-edit": f"/forbund/{forbund.id}/edit",
                 "consent-texts": f"/forbund/{forbund.id}/samtyckestexter",
                 "users": f"/forbund/{forbund.id}/users/",
                 "user-new": f"/forbund/{forbund.id}/users/new",
                 "user": f"/users/{world.target.id}",
                 "people-search": f"/forbund/{forbund.id}/personer",
                 "person": f"/personer/{db.session.scalar(select(Person)).id}",
                 "reports": "/rapporter/", "export": "/rapporter/export",
                 "import": "/rapporter/import",
                 **{f"report-{report}": f"/rapporter/{report}?ar=alla" for report in REPORTS},
                 **audit_pages(site)})
    audit.submitted("user-new-errors", f"/forbund/{forbund.id}/users/new")
    audit.submitted("people-search-errors", f"/forbund/{forbund.id}/personer")
    log_out(page)

    # The systemadministratör: the list of förbund and a new one.
    login(page, base, world.email("system_admin"))
    audit.pages({"forbund-list": "/forbund/", "forbund-new": "/forbund/new"})

    assert len(audit.found) > 100
    problems = audit.problems()
    assert not problems, "\n".join(f"{page}: {issue}" for page, issues in problems.items()
                                    for issue in issues)


def audit_pages(site: Site) -> dict[str, str]:
    """The administrators' audit trail pages, where the app has them: GET, no arguments."""
    return {rule.endpoint: rule.rule for rule in site.app.url_map.iter_rules()
            if "audit" in rule.endpoint and "GET" in rule.methods and not rule.arguments}


def consent_for(page: Page, site: Site) -> Consent:
    """A signed consent, taken in the browser (the quick way: a mouse stroke)."""
    login(page, site.url, site.world.email("deltagaransvarig"))
    start_consent(page, site.url, site.world.insats_a1.id, PNR)
    page.click("a.language-choice[href$='/sv']")
    sign(page, draw_with_mouse)
    page.click("a.button.big")
    hand_back(page)
    page.wait_for_url("**/samtycken/*")
    return db.session.scalar(select(Consent))


FOCUSED = """() => { const e = document.activeElement;
  return [(e.type === 'radio' ? e.name : (e.id || e.name || e.tagName)) + '|' + (e.type || ''),
          getComputedStyle(e).outlineStyle, e.textContent]; }"""
TABBABLE = """() => Array.from(document.querySelectorAll(
    'form.paper-form-page input, form.paper-form-page select, form.paper-form-page button'))
  .filter(e => e.type !== 'hidden' && !e.disabled && e.offsetParent !== null)
  .map(e => (e.type === 'radio' ? e.name : (e.id || e.name || e.tagName)) + '|' + (e.type || ''))"""


@SQLITE_ONLY
def test_fk_9448_with_the_keyboard_alone(site: Site, tablet: BrowserContext) -> None:
    page = tablet.new_page()
    consent = consent_for(page, site)
    page.goto(f"{site.url}/samtycken/{consent.id}/inregistrering")
    # Stockholm asks for a stadsdel and "arbetar: ja" for procent and typ: the most questions.
    page.fill("#q-kommun input.select-filter", "stockh")
    page.check("#f-arbetar_fore-ja")
    page.check("#f-studerar_fore-ja")
    page.locator(".breadcrumb a").focus()  # just before the form

    expected = list(dict.fromkeys(page.evaluate(TABBABLE)))
    reached: list[str] = []
    unmarked: list[str] = []  # focused without a visible focus ring
    for _ in range(400):
        page.keyboard.press("Tab")
        focused, outline, text = page.evaluate(FOCUSED)
        if not reached or reached[-1] != focused:
            reached.append(focused)
            if outline == "none":
                unmarked.append(focused)
        if focused.endswith("|submit") and "Spara" in text:
            break
    in_form = [item for item in reached if item in expected]
    assert in_form == expected[:len(in_form)] and set(expected) <= set(in_form), (
        f"tab order {in_form} does not reach every question in order {expected}")
    assert not unmarked, f"no visible focus on {unmarked}"

    # The kommun by keyboard: type in the search, Tab on to the list, which holds the match.
    page.locator("#q-kommun input.select-filter").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("sundsv")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-kommun"
    assert page.input_value("#f-kommun") == "2281"  # Sundsvall
    expect(page.locator("#q-stadsdel")).to_be_hidden()  # Sundsvall has none
    page.locator("#q-kommun input.select-filter").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("göteb")
    page.keyboard.press("Tab")
    assert page.input_value("#f-kommun") == "1480"  # Göteborg
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-stadsdel"
    page.keyboard.press("ArrowDown")  # a closed list: the arrow picks the next stadsdel
    assert page.input_value("#f-stadsdel") != ""
    # Space ticks a checkbox, arrows move within a radio group.
    page.locator("#f-utbildning-grundskola").focus()
    page.keyboard.press("ArrowDown")
    assert page.locator("#f-utbildning-gymnasium").is_checked()
    shot(page, "keyboard-9448")


def overflow(page: Page) -> list[str]:
    """What is cut off or only reachable by scrolling sideways."""
    return page.evaluate("""() => {
      const width = document.documentElement.clientWidth, out = [];
      if (document.documentElement.scrollWidth > width)
        out.push('page is ' + document.documentElement.scrollWidth + 'px wide');
      for (const e of document.querySelectorAll(
          'main h1, main h2, main label, main legend, main p, main input, main select, '
          + 'main button, main a, main canvas, main dt, main dd')) {
        const r = e.getBoundingClientRect();
        if (r.width && (r.left < -1 || r.right > width + 1))
          out.push(e.tagName + (e.id ? '#' + e.id : '') + ' ' + Math.round(r.left) + '..'
                   + Math.round(r.right));
      }
      return out; }""")


@SQLITE_ONLY
@pytest.mark.parametrize("locale", LOCALES)
def test_200_percent_zoom_cuts_nothing_off(site: Site, chromium: Browser, locale: str) -> None:
    """A 1024×768 tablet zoomed to 200 % is 512×384 CSS pixels at two device pixels each."""
    context = chromium.new_context(viewport={"width": 512, "height": 384},
                                   device_scale_factor=2, has_touch=True, locale="sv-SE")
    page = context.new_page()
    base = site.url
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found[name] = overflow(page)
        shot(page, f"zoom200-{locale}-{name}")

    try:
        page.goto(f"{base}/login?lang={locale}")
        check("login")
        login(page, base, site.world.email("deltagaransvarig"))
        page.goto(f"{base}/insatser/{site.world.insats_a1.id}/samtycke?lang={locale}")
        check("consent-start")
        start_consent(page, base, site.world.insats_a1.id, PNR)
        check("language")
        page.click(f"a.language-choice[href$='/{locale}']")
        check("read")
        sign(page)  # the pad takes a finger stroke zoomed too (an empty one is refused)
        check("thanks")
        page.click("a.button.big")
        page.wait_for_url("**/deltagare/tillbaka")
        check("hand-back")
        hand_back(page)
        page.wait_for_url("**/samtycken/*")
        consent = db.session.scalar(select(Consent))
        page.goto(f"{base}/samtycken/{consent.id}/inregistrering?lang={locale}")
        check("9448")
        page.select_option("#qlang", locale)
        fill_9448(page, (today() - timedelta(days=40)).isoformat())
        check("9448-filled")
    finally:
        context.close()
    problems = {name: items for name, items in found.items() if items}
    assert not problems, problems
