"""axe-core on every page of the consent journey, in Swedish and in Arabic (right-to-left):
no serious or critical WCAG violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page

from tests.e2e.conftest import Site, shot
from tests.e2e.journey import draw_with_finger, hand_back, login, start_consent

AXE = Axe()
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                               "wcag22aa"]},
        "resultTypes": ["violations"]}


def serious(page: Page) -> list[str]:
    results = AXE.run(page, options=WCAG).response
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("locale", ["sv", "ar"])
def test_no_serious_violation_on_any_page(site: Site, tablet: BrowserContext,
                                          locale: str) -> None:
    page = tablet.new_page()
    base, world = site.url, site.world
    found: dict[str, list[str]] = {}

    def audit(name: str) -> None:
        found[name] = serious(page)
        shot(page, f"a11y-{locale}-{name}")

    page.goto(f"{base}/login?lang={locale}")
    audit("login")
    login(page, base, world.email("deltagaransvarig"))
    for name, path in (("home", "/"), ("insatser", "/insatser/"),
                       ("insats", f"/insatser/{world.insats_a1.id}")):
        page.goto(f"{base}{path}?lang={locale}")
        audit(name)
    page.goto(f"{base}/insatser/{world.insats_a1.id}/samtycke?lang={locale}")
    page.click("main button[type=submit]")  # empty: the error state
    audit("consent-start-errors")
    start_consent(page, base, world.insats_a1.id, "19121212-1212")
    audit("language")
    page.click(f"a.language-choice[href$='/{locale}']")
    audit("read")
    page.check("#confirmed")
    page.fill("#name", "Testperson Exempelsson")
    draw_with_finger(page)
    page.click("#sign-submit")
    page.wait_for_url("**/deltagare/klart")
    audit("thanks")
    page.click("a.button.big")
    audit("hand-back")
    hand_back(page)
    page.wait_for_url("**/samtycken/*")
    audit("receipt")
    problems = {name: issues for name, issues in found.items() if issues}
    assert not problems, problems
