"""The hand-over enforced on the server (issue 15, 19): a locked tablet opens no participant
page of its draft until the officer's password; the password is throttled as a login is;
the next participant starts in Swedish, whatever the last one read."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import func, select

from formapp.extensions import db
from formapp.records.models import Consent, ConsentDraft, LoginFailure
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.world import PASSWORD, build_world


def _count(model: type) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_locked_tablet_opens_no_participant_page(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    url = read_url(start(browser, world), "sv")
    assert browser.get(url).status_code == 200
    assert browser.get("/deltagare/tillbaka").status_code == 200  # the lock screen
    # Whoever holds the tablet now can neither read on nor sign in the participant's place.
    for response in (browser.get(url), browser.get(url.removesuffix("sv") + "sprak"),
                     sign(browser, url)):
        assert response.status_code == 302
        assert response.headers["Location"] == "/deltagare/tillbaka"
    assert _count(Consent) == 0
    # The officer's password opens it, and the officer hands the same draft back.
    paused = hand_back(browser)
    assert paused.endswith("/pausat")
    assert browser.get(url).status_code == 404  # no hand-over: not there until handed back
    browser.get(paused)
    resumed = browser.post(paused, {"resume": "Lämna tillbaka"})
    assert resumed.headers["Location"].endswith("/sprak")
    assert sign(browser, url).headers["Location"] == "/deltagare/klart"
    assert _count(Consent) == 1 and _count(ConsentDraft) == 0


def test_hand_back_guesses_end_the_session_and_count_as_failed_logins(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    start(browser, world)
    browser.get("/deltagare/tillbaka")
    limit = app.config["FORMAPP_HANDBACK_MAX_FAILURES"]
    for _ in range(limit - 1):
        response = browser.post("/deltagare/tillbaka", {"password": "gissning"})
        assert response.status_code == 422
    response = browser.post("/deltagare/tillbaka", {"password": "gissning"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    # The right password now opens nothing: the session is over, a full login is needed.
    # (the form's token ended with the session: refused before the password is looked at)
    response = browser.post("/deltagare/tillbaka", {"password": PASSWORD})
    assert response.status_code == 400
    assert browser.get("/").headers["Location"].startswith("/login")
    assert _count(LoginFailure) == limit


def test_the_next_participant_starts_in_swedish(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    url = read_url(start(browser, world), "ar")
    assert _html_tag(browser.get(url).get_data(as_text=True)) == ("ar", "rtl")
    assert sign(browser, url).headers["Location"] == "/deltagare/klart"
    hand_back(browser)
    language_url = start(browser, world, pnr="19800101-0019").headers["Location"]
    assert _html_tag(browser.get(language_url).get_data(as_text=True)) == ("sv", "ltr")


def _html_tag(page: str) -> tuple[str, str]:
    """The page's own language and direction (its <html> element)."""
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)"', page)
    assert match, page[:200]
    return match.group(1), match.group(2)
