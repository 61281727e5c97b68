""""Tolk läser" on the tablet (issue 19): chosen by the officer before the hand-over, the
participant's pages wait longer before the lock and say so discreetly, out of the way of
every control; sealed as evidence.

Screenshots: test-output/screenshots/interpreter-<locale>.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import Site, shot
from tests.e2e.journey import login
from tests.e2e.test_accessibility import serious

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _overlaps(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


@pytest.mark.parametrize("locale", ["sv", "ar"])
def test_tolk_laser_is_shown_discreetly_and_lengthens_the_lock(
        site: Site, tablet: BrowserContext, locale: str) -> None:
    page = tablet.new_page()
    base = site.url
    login(page, base, site.world.email("deltagaransvarig"))
    page.goto(f"{base}/insatser/{site.world.insats_a1.id}/samtycke")
    page.check("input[name=skyddad_identitet][value=nej]")
    page.fill("#personnummer", "19850315-2384")
    page.fill("#place", "Umeå")
    page.check("#interpreter")
    page.click("main button[type=submit]")
    page.wait_for_url("**/sprak")
    page.click(f"a.language-choice[href$='/{locale}']")
    page.wait_for_load_state()
    expect(page.locator("body")).to_have_attribute(
        "data-idle-seconds", str(site.app.config["FORMAPP_INTERPRETER_IDLE_SECONDS"]))
    mark = page.locator("#interpreter-mark")
    expect(mark).to_be_visible()
    box = mark.bounding_box()
    for control in page.locator("button:visible, a:visible, input:visible").all():
        other = control.bounding_box()
        assert other is None or not _overlaps(box, other), control.inner_text()[:30]
    shot(page, f"interpreter-{locale}")
    assert serious(page) == []
