"""Every route declares who may reach it (formapp.web.route_policy), where it is written; the
hooks read that declaration instead of lists of endpoint names. What each role gets on each
route is tests/web/test_route_permissions.py's table."""

from __future__ import annotations

from flask import Flask

from formapp.web.handover import HANDOVER_KEY
from formapp.web.route_policy import Access, access_of, declared_access, open_route
from formapp.webclient import Browser
from tests.web.test_consent_flow import officer
from tests.world import build_world

# What a participant holding the tablet may reach: their pages, the audio they listen to, and
# what every page needs. Changing it is a decision, so it is written out here.
DURING_HANDOVER = {
    "consent.language", "consent.read", "consent.pause", "consent.done", "consent.hand_back",
    "read_aloud.machine_section", "read_aloud.recording",
    "understanding.begin", "understanding.questions", "understanding.question_audio",
    "static", "fonts.stylesheet", "fonts.font", "home.health",
}


def undeclared(app: Flask) -> set[str]:
    with app.test_request_context():
        return {rule.endpoint for rule in app.url_map.iter_rules()
                if declared_access(rule.endpoint) is None}


def test_every_route_declares_who_may_reach_it(app: Flask) -> None:
    assert undeclared(app) == set()


def test_a_new_route_without_a_declaration_is_found_and_kept_to_officers(app: Flask) -> None:
    app.add_url_rule("/_test/undeclared", "test_undeclared", lambda: "personal data")
    app.add_url_rule("/_test/declared", "test_declared", open_route(lambda: "for anyone"))
    assert undeclared(app) == {"test_undeclared"}
    with app.test_request_context():
        assert access_of("test_undeclared") is Access.OFFICER
    browser = Browser(app.test_client())
    response = browser.get("/_test/undeclared")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert browser.get("/_test/declared").get_data(as_text=True) == "for anyone"


def test_the_participant_reaches_only_the_routes_declared_for_them(app: Flask) -> None:
    with app.test_request_context():
        reachable = {rule.endpoint for rule in app.url_map.iter_rules()
                     if access_of(rule.endpoint).during_handover}  # type: ignore[union-attr]
    assert reachable == DURING_HANDOVER


def test_during_a_hand_over_every_other_route_leads_back_to_the_consent(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    with browser.client.session_transaction() as session:
        session[HANDOVER_KEY] = {"token": "the-token"}
    for url in ("/", "/favicon.ico", "/rapporter/", "/login", "/no-such-page"):
        response = browser.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].endswith("/deltagare/the-token/sprak"), url
    assert browser.get("/healthz").status_code == 200
    assert browser.get("/fonts/fonts.css").status_code == 200
