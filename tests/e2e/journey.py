"""Steps of the tablet journey, as a person does them in the browser."""

from __future__ import annotations

import math
from collections.abc import Callable

from playwright.sync_api import Page

from tests.world import PASSWORD


def login(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def start_consent(page: Page, base: str, insats_id: int, personnummer: str,
                  place: str = "Umeå") -> None:
    page.goto(f"{base}/insatser/{insats_id}/samtycke")
    page.check("input[name=skyddad_identitet][value=nej]")
    page.fill("#personnummer", personnummer)
    page.fill("#place", place)
    page.click("main button[type=submit]")
    page.wait_for_url("**/sprak")


def stroke_points(box: dict, steps: int = 30) -> list[tuple[float, float]]:
    """A signature-like wave across the middle of ``box`` (page coordinates)."""
    return [(box["x"] + box["width"] * (0.1 + 0.8 * i / (steps - 1)),
             box["y"] + box["height"] * (0.5 + 0.25 * math.sin(i / 2.5)))
            for i in range(steps)]


def draw_with_finger(page: Page, selector: str = "#signature-canvas") -> None:
    """A real touch stroke (touchStart, touchMove…, touchEnd) through the DevTools protocol:
    Chromium turns it into pointer events of type "touch", as a finger on a tablet."""
    page.wait_for_load_state()  # the pad's script is deferred: it listens once loaded
    page.locator(selector).scroll_into_view_if_needed()  # a finger touches what is shown
    box = page.locator(selector).bounding_box()
    points = stroke_points(box)
    cdp = page.context.new_cdp_session(page)
    first_x, first_y = points[0]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                          "touchPoints": [{"x": first_x, "y": first_y}]})
    for x, y in points[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                              "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def draw_with_mouse(page: Page, selector: str = "#signature-canvas") -> None:
    page.wait_for_load_state()
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    points = stroke_points(box)
    page.mouse.move(*points[0])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x, y)
    page.mouse.up()


def hand_back(page: Page) -> None:
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")


def choose_kommun(page: Page, query: str, expected_code: str) -> None:
    """The kommun as an officer picks it: type in the search box above the list of 290, the
    first match is chosen."""
    page.fill("#q-kommun input.select-filter", query)
    assert page.input_value("#f-kommun") == expected_code


def first_stadsdel(page: Page) -> str:
    """The first stadsdel the list offers for the chosen kommun (only its group is enabled)."""
    return page.locator("#f-stadsdel optgroup:not([disabled]) option").first.get_attribute(
        "value")


def fill_9448(page: Page, start: str) -> None:
    """FK 9448 through the real form: kommun by search, the stadsdel the kommun asks for, and
    the parts that appear only on some answers (arbetar ja: procent and typ)."""
    page.fill("#f-startdatum", start)
    choose_kommun(page, "stockh", "0180")
    page.select_option("#f-stadsdel", first_stadsdel(page))
    page.check("#f-utbildning-gymnasium")
    page.check("#f-forsorjning_tid-upp_till_2")
    page.check("#f-forsorjning_fore-aktivitetsstod")
    page.check("#f-aktivt_arbetssokande_fore-ja")
    page.check("#f-arbetar_fore-ja")
    page.fill("#f-arbete_procent_fore", "25")
    page.check("#f-arbete_typ_fore-subventionerat")
    page.check("#f-studerar_fore-nej")


def fill_9449(page: Page, end: str) -> None:
    """FK 9449, reason 1 (to work): the after-measurement is asked and must show work."""
    page.fill("#f-avslutningsdatum", end)
    page.check("#f-avslutningsanledning-1")
    page.check("#f-forsorjning_efter-ingen")
    page.check("#f-aktivt_arbetssokande_efter-nej")
    page.check("#f-arbetar_efter-ja")
    page.fill("#f-arbete_procent_efter", "100")
    page.check("#f-arbete_typ_efter-inte_subventionerat")
    page.check("#f-studerar_efter-nej")


def log_out(page: Page) -> None:
    page.click(".account form button[type=submit]")
    page.wait_for_url("**/login**")


def sign(page: Page, draw: Callable[[Page], None] = draw_with_finger) -> None:
    """The participant confirms, writes the name, signs, looks over what will be sealed and
    signs it: the thank-you page."""
    page.check("#confirmed")
    page.fill("#name", "Testperson Exempelsson")
    draw(page)
    send_signature(page)


def send_signature(page: Page) -> None:
    """"Skriv under", then the certification step's "Skriv under"."""
    page.click("#sign-submit")
    page.locator("#certify").wait_for(state="visible")
    page.click("#certify-sign")
    page.wait_for_url("**/deltagare/klart")
