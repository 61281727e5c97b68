"""Which locale a page is in: ?lang=, then the session, then Swedish; never Accept-Language."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask_babel import get_locale

from formapp.i18n import load_registry, participant_page
from formapp.i18n.selection import OFFICER_SESSION_KEY, PARTICIPANT_SESSION_KEY
from formapp.web.route_policy import open_route
from formapp.webclient import Browser
from tests.world import PASSWORD, build_world

HTML_TAG = re.compile(r'<html lang="([^"]+)" dir="([^"]+)">')
RTL = {"ar", "fa", "fa_AF", "ckb"}


def html_lang_dir(page: str) -> tuple[str, str]:
    match = HTML_TAG.search(page)
    assert match, page[:200]
    return match.group(1), match.group(2)


def test_swedish_by_default_and_accept_language_ignored(app: Flask, browser: Browser) -> None:
    page = browser.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9,ar;q=0.8"})
    assert html_lang_dir(page.get_data(as_text=True)) == ("sv", "ltr")
    assert "Logga in" in page.get_data(as_text=True)
    assert "Log in" not in page.get_data(as_text=True)


@pytest.mark.parametrize("locale", load_registry().ids)
def test_url_parameter_sets_lang_and_dir_from_the_registry(app: Flask, browser: Browser,
                                                           locale: str) -> None:
    page = browser.get(f"/login?lang={locale}").get_data(as_text=True)
    expected_dir = "rtl" if locale in RTL else "ltr"
    assert html_lang_dir(page) == (locale.replace("_", "-"), expected_dir)


def test_unknown_url_locale_falls_back_to_swedish(app: Flask, browser: Browser) -> None:
    for value in ("xx", "de", "", "../en", "EN"):
        page = browser.get(f"/login?lang={value}").get_data(as_text=True)
        assert html_lang_dir(page) == ("sv", "ltr"), value


def test_english_from_the_url(app: Flask, browser: Browser) -> None:
    page = browser.get("/login?lang=en").get_data(as_text=True)
    assert "Log in" in page and "Logga in" not in page
    assert "Skip to content" in page  # a participant-domain string on the same page


def test_officer_switch_keeps_english_in_the_session_and_across_login(
        app: Flask, browser: Browser) -> None:
    world = build_world()
    browser.get("/login")
    response = browser.post("/language", {"lang": "en", "next": "/login?lang=sv&x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?x=1"  # a ?lang= would override the choice
    assert "Log in" in browser.get("/login").get_data(as_text=True)
    with browser.client.session_transaction() as session:
        assert session[OFFICER_SESSION_KEY] == "en"
    browser.login(world.email("samverkansadmin"), PASSWORD)
    home = browser.get("/").get_data(as_text=True)
    assert html_lang_dir(home) == ("en", "ltr")
    assert "Log out" in home and "Logga ut" not in home
    browser.post("/language", {"lang": "sv", "next": "/"})
    assert "Logga ut" in browser.get("/").get_data(as_text=True)


def test_logout_forgets_the_language(app: Flask, browser: Browser) -> None:
    world = build_world()
    browser.login(world.email("rapport"), PASSWORD)
    browser.post("/language", {"lang": "en", "next": "/"})
    browser.post("/logout")
    assert html_lang_dir(browser.get("/login").get_data(as_text=True)) == ("sv", "ltr")


def test_switch_refuses_non_officer_locales_bad_tokens_and_foreign_targets(
        app: Flask, browser: Browser) -> None:
    browser.get("/login")
    assert browser.post("/language", {"lang": "ar", "next": "/"}).status_code == 400
    assert browser.post("/language", {"lang": "de", "next": "/"}).status_code == 400
    with browser.client.application.app_context():
        no_token = browser.client.post("/language", data={"lang": "en"})
    assert no_token.status_code == 400
    for target in ("//evil.example/", "https://evil.example/", "javascript:alert(1)"):
        response = browser.post("/language", {"lang": "en", "next": target})
        assert response.headers["Location"] == "/", target


def test_a_stored_non_officer_locale_is_ignored_on_officer_pages(app: Flask,
                                                                 browser: Browser) -> None:
    browser.get("/login")
    with browser.client.session_transaction() as session:
        session[OFFICER_SESSION_KEY] = "ar"  # only sv and en are officer languages
    assert html_lang_dir(browser.get("/login").get_data(as_text=True)) == ("sv", "ltr")


def test_participant_choice_applies_only_to_participant_pages(app: Flask,
                                                              browser: Browser) -> None:
    @open_route  # (a route declares who may reach it: here anyone)
    @participant_page
    def participant_view() -> str:
        return str(get_locale())

    @open_route
    def officer_view() -> str:
        return str(get_locale())

    app.add_url_rule("/_test/participant", "test_participant", participant_view)
    app.add_url_rule("/_test/officer", "test_officer", officer_view)
    browser.get("/login")
    with browser.client.session_transaction() as session:
        session[PARTICIPANT_SESSION_KEY] = "fa_AF"
        session[OFFICER_SESSION_KEY] = "en"
    assert browser.get("/_test/participant").get_data(as_text=True) == "fa_AF"
    assert browser.get("/_test/officer").get_data(as_text=True) == "en"
    assert browser.get("/_test/participant?lang=ti").get_data(as_text=True) == "ti"
