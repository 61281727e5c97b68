"""The officer UI in English: no Swedish msgid left on the main pages.

Each page is rendered through the real app, its visible text (text nodes and the attributes a
person reads) compared with every Swedish msgid the English catalogs translate differently.
The same check on the Swedish pages must find many, so it can fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask

from formapp.webclient import Browser
from tests.world import PASSWORD, World, build_world

EN = Path(__file__).resolve().parents[2] / "translations" / "en" / "LC_MESSAGES"
READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in READ_ATTRIBUTES and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skip:
            self.parts.append(text)


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def _swedish_msgids() -> list[tuple[str, re.Pattern[str] | None]]:
    """Swedish source strings whose English differs: (msgid, pattern if it has placeholders)."""
    found = []
    for name in ("officer.po", "messages.po"):
        with (EN / name).open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings) or set(strings) == set(ids):
                continue
            for msgid in ids:
                if "%(" in msgid:
                    pieces = re.split(r"%\(\w+\)[sd]", msgid)
                    pattern = re.compile(r"(?<!\w)" + ".+?".join(map(re.escape, pieces)))
                    found.append((msgid, pattern))
                else:
                    found.append((msgid, None))
    return found


MSGIDS = _swedish_msgids()


def swedish_left(html: str) -> set[str]:
    parts = visible_text(html)
    left = set()
    for msgid, pattern in MSGIDS:
        for part in parts:
            if (pattern.search(part) if pattern else part == msgid):
                left.add(msgid)
    return left


Page = tuple[str, str, Callable[[World], str]]  # role, method, url
PAGES: tuple[Page, ...] = (
    ("anonymous", "GET", lambda w: "/login"),
    ("anonymous", "POST", lambda w: "/login"),  # the form's error messages
    ("system_admin", "GET", lambda w: "/"),
    ("system_admin", "GET", lambda w: "/forbund/"),
    ("system_admin", "GET", lambda w: "/forbund/new"),
    ("system_admin", "POST", lambda w: "/forbund/new"),
    ("system_admin", "GET", lambda w: f"/forbund/{w.forbund_a.id}"),
    ("system_admin", "GET", lambda w: f"/forbund/{w.forbund_a.id}/users/"),
    ("samverkansadmin", "GET", lambda w: "/"),
    ("samverkansadmin", "GET", lambda w: "/insatser/"),
    ("samverkansadmin", "GET", lambda w: "/insatser/?visa=alla"),
    ("samverkansadmin", "GET", lambda w: "/insatser/new"),
    ("samverkansadmin", "POST", lambda w: "/insatser/new"),
    ("samverkansadmin", "GET", lambda w: f"/insatser/{w.insats_a1.id}"),
    ("samverkansadmin", "GET", lambda w: f"/insatser/{w.insats_a1.id}/edit"),
    ("samverkansadmin", "GET", lambda w: f"/users/{w.target.id}"),
    ("samverkansadmin", "POST", lambda w: f"/users/{w.target.id}/grants"),
    ("samverkansadmin", "GET", lambda w: f"/forbund/{w.forbund_a.id}/users/new"),
    ("samverkansadmin", "GET", lambda w: "/account/password"),
    ("samverkansadmin", "POST", lambda w: "/account/password"),
    ("samverkansadmin", "GET", lambda w: "/insatser/999999"),  # the 404 page
    ("deltagaransvarig", "GET", lambda w: "/"),
    ("deltagaransvarig", "GET", lambda w: f"/insatser/{w.insats_a1.id}"),
    ("deltagaransvarig", "GET", lambda w: f"/forbund/{w.forbund_a.id}"),  # the 403 page
)


def _render_all(app: Flask, language: str) -> dict[str, str]:
    world = build_world()
    pages = {}
    browsers: dict[str, Browser] = {}
    for role, method, url in PAGES:
        if role not in browsers:
            browser = Browser(app.test_client())
            browser.get("/login")
            browser.post("/language", {"lang": language, "next": "/"})
            if role != "anonymous":
                assert browser.login(world.email(role), PASSWORD).status_code == 302
            browsers[role] = browser
        browser = browsers[role]
        target = url(world)
        response = browser.get(target) if method == "GET" else browser.post(target, {})
        assert response.status_code in (200, 403, 404, 422), (role, method, target)
        pages[f"{role} {method} {target}"] = response.get_data(as_text=True)
    return pages


def test_officer_pages_in_english_have_no_swedish_left(app: Flask) -> None:
    assert len(MSGIDS) > 200
    pages = _render_all(app, "en")
    left = {name: sorted(swedish_left(html)) for name, html in pages.items()}
    assert {name: found for name, found in left.items() if found} == {}
    for name, html in pages.items():
        assert '<html lang="en" dir="ltr">' in html, name
    assert "Log out" in pages["samverkansadmin GET /"]
    assert "Enter the intervention’s name." in pages["samverkansadmin POST /insatser/new"]


def test_the_check_finds_swedish_on_the_swedish_pages(app: Flask) -> None:
    pages = _render_all(app, "sv")
    found = set().union(*(swedish_left(html) for html in pages.values()))
    assert {"Logga ut", "Insatser", "Välkommen, %(name)s", "Ange insatsens namn.",
            "Hoppa till innehållet", "Sidan finns inte"} <= found
    assert len(found) > 80


@pytest.mark.parametrize("html, expected", [
    ("<p>Logga ut</p>", {"Logga ut"}),
    ("<p>Insats A1</p>", set()),  # data, not the msgid "Insats"
    ('<nav aria-label="Huvudmeny"></nav>', {"Huvudmeny"}),
    ("<h1>Välkommen, Sam</h1>", {"Välkommen, %(name)s"}),
    ("<script>Logga ut</script>", set()),
])
def test_visible_text_matching(html: str, expected: set[str]) -> None:
    assert swedish_left(html) == expected
