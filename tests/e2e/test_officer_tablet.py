"""The officer's pages on a tablet in portrait (820×1180, Swedish), issue 21: every target at
least 44×44 px, measured on every officer page (WCAG 2.5.5; links inside a sentence excepted,
as 2.5.8 does); nothing runs off the side of the page; the Granskningslogg's table fits without
scrolling sideways and names its events in words; withdrawing a consent asks first."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from flask import current_app
from playwright.sync_api import BrowserContext, Page
from sqlalchemy import select

from formapp.extensions import db
from formapp.records.models import Consent, Registration
from tests.e2e.conftest import Site, shot
from tests.e2e.journey import log_out, login
from tests.reports.dataset import build_dataset
from tests.web.registration_helpers import PNR_MAN, register_one, take_consent
from tests.world import World

T = TypeVar("T")

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
MIN = 44

# Every visible control and stand-alone link whose box is smaller than MIN either way. A link
# is in a sentence (excepted) when the block around it has words of its own beside its links.
# A radio button or checkbox is measured by its label, the target a finger actually taps.
SMALL_TARGETS = """(min) => {
  const small = [];
  const block = 'p, li, dd, dt, td, th, figcaption, div, label, legend, h1, h2, h3';
  for (const el of document.querySelectorAll(
      'a[href], button, select, textarea, summary, input:not([type=hidden])')) {
    const style = getComputedStyle(el);
    let box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
    if (box.right <= 0 || box.bottom <= 0) continue;  // the skip link, off screen
    if (el.matches('input[type=radio], input[type=checkbox]')) {
      const label = el.closest('label') || (el.labels && el.labels[0]);
      if (label) box = label.getBoundingClientRect();
    }
    if (el.matches('a')) {
      const around = el.parentElement.closest(block);
      if (around) {
        let words = around.textContent;
        for (const link of around.querySelectorAll('a, button')) {
          words = words.replace(link.textContent, '');
        }
        if (/[\\p{L}]{2,}/u.test(words)) continue;  // a link in a sentence
      }
    }
    if (box.width < min - 0.5 || box.height < min - 0.5) {
      const name = (el.textContent || el.value || el.name || el.id || '').trim().slice(0, 40);
      const size = `${Math.round(box.width)}×${Math.round(box.height)}`;
      small.push(`${el.tagName.toLowerCase()} "${name}" ${size}`);
    }
  }
  return small;
}"""


def prepared(site: Site, make: Callable[[World], T]) -> T:
    """``make(world)`` in a thread of its own: sealing runs asyncio, which Playwright's sync
    API (a running loop in this thread) does not allow here."""
    result: list[T] = []

    def run() -> None:
        with site.app.app_context():
            world = build_world_again(site)
            result.append(make(world))
            db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert result, "preparing the data failed (see the log)"
    return result[0]


def build_world_again(site: Site) -> World:
    """The site's world, its rows loaded in this thread's session."""
    world = site.world
    return World(*(db.session.merge(getattr(world, name), load=True) for name in (
        "forbund_a", "forbund_b", "insats_a1", "insats_a2", "insats_b1")),
        {who: db.session.merge(user, load=True) for who, user in world.users.items()},
        db.session.merge(world.target, load=True), db.session.merge(world.target_grant),
        db.session.merge(world.extra_assignment),
        insats_volume=db.session.merge(world.insats_volume) if world.insats_volume else None)


def _data(world: World) -> tuple[int, str, str]:
    build_dataset(world)  # participations in A1 and A2, for the lists and the reports
    registration_id = register_one(current_app._get_current_object(), world)
    waiting = take_consent(current_app._get_current_object(), world, PNR_MAN).id
    consent_id = db.session.get(Registration, registration_id).consent_id
    return registration_id, consent_id, waiting


def check(page: Page, base: str, path: str, found: dict[str, list[str]]) -> None:
    page.goto(base + path)
    assert page.locator("html").get_attribute("lang") == "sv"
    problems = page.evaluate(SMALL_TARGETS, MIN)
    wide = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    if wide > 0:
        problems.append(f"the page is {wide} px wider than the screen")
    found[path] = problems
    shot(page, "officer-820" + path.replace("/", "-").replace("?", "-"))


@SQLITE_ONLY
def test_every_officer_target_is_44_px_on_a_portrait_tablet(site: Site,
                                                            tablet: BrowserContext) -> None:
    world, base = site.world, site.url
    registration_id, consent_id, waiting = prepared(site, _data)
    a1, forbund = world.insats_a1.id, world.forbund_a.id
    page = tablet.new_page()
    found: dict[str, list[str]] = {}

    login(page, base, world.email("deltagaransvarig"))
    for path in ("/", "/insatser/", f"/insatser/{a1}", f"/insatser/{a1}/samtycke",
                 f"/samtycken/{consent_id}", f"/samtycken/{waiting}",
                 f"/insatser/{a1}/inregistrering", f"/samtycken/{waiting}/inregistrering",
                 f"/registreringar/{registration_id}",
                 f"/registreringar/{registration_id}/utregistrering",
                 f"/insatser/{a1}/deltagare", f"/insatser/{a1}/anonyma", "/account/password",
                 "/konto/inloggning", "/konto/engangskoder"):
        check(page, base, path, found)
    log_out(page)

    login(page, base, world.email("samverkansadmin"))
    for path in (f"/forbund/{forbund}", f"/forbund/{forbund}/users/", f"/users/{world.target.id}",
                 f"/insatser/{a1}", f"/insatser/{a1}/edit", "/granskningslogg",
                 f"/forbund/{forbund}/personer", f"/forbund/{forbund}/samtyckestexter",
                 "/rapporter/", "/rapporter/resultat?ar=2024", "/rapporter/kon-alder?ar=2024",
                 "/rapporter/export", "/rapporter/import"):
        check(page, base, path, found)
    bad = [f"{path}: {problem}" for path, problems in found.items() for problem in problems]
    assert not bad, "\n".join(bad)

    # Granskningslogg: the table fits the portrait screen, its events in words.
    page.goto(base + "/granskningslogg")
    scroller = page.locator(".table-scroll").first
    assert scroller.evaluate("e => e.scrollWidth - e.clientWidth") <= 0
    assert page.locator("table.audit-table").get_by_text("Samtycke undertecknat").count() > 0
    assert page.locator("table.audit-table").get_by_text("consent.signed").count() == 0


@SQLITE_ONLY
def test_withdrawing_a_consent_asks_first(site: Site, tablet: BrowserContext) -> None:
    world, base = site.world, site.url
    consent_id = prepared(site, lambda w: take_consent(current_app._get_current_object(), w,
                                                       PNR_MAN).id)
    page = tablet.new_page()
    login(page, base, world.email("deltagaransvarig"))
    page.goto(f"{base}/samtycken/{consent_id}")
    zone = page.locator("section.danger-zone")
    assert zone.locator("button").inner_text() == "Återkalla samtycket …"
    # Apart from the everyday actions: well below "Registrera deltagaren".
    register = page.get_by_role("link", name="Registrera deltagaren (FK 9448)").bounding_box()
    assert zone.bounding_box()["y"] - (register["y"] + register["height"]) > 80
    zone.locator("textarea").fill("Ringde i dag.")
    zone.locator("button").click()
    page.wait_for_load_state()
    shot(page, "officer-820-withdraw-confirm")
    assert page.get_by_role("button", name="Ja, återkalla samtycket").is_visible()
    page.get_by_role("link", name="Avbryt").click()
    page.wait_for_url(f"**/samtycken/{consent_id}")
    db.session.expire_all()
    assert db.session.scalar(select(Consent.status).where(Consent.id == consent_id)) == "active"
