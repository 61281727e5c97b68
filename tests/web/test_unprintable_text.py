"""Text a sealed PDF can not print is refused where it is typed, naming the character, in the
reader's language, and nothing is saved (issue 15, point 7): CJK and emoji (no font has
them), U+202E (it would reorder the signed name) and a control character."""

from __future__ import annotations

import html

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from formapp.extensions import db
from formapp.records.models import (
    AuditEntry,
    Consent,
    ConsentDraft,
    ConsentTextVersion,
    Forbund,
    Insats,
    Person,
    User,
)
from formapp.webclient import Browser
from tests.web.test_admin_pages import INSATS, field_error, logged_in
from tests.web.test_consent_flow import PNR, count, officer, read_url, sign, start
from tests.web.test_consent_texts_admin import own_swedish_text, upload
from tests.world import build_world

# (what, the character, how the message names it)
UNPRINTABLE = [
    ("cjk", "漢", "U+6F22 (漢)"),
    ("emoji", "😀", "U+1F600 (😀)"),
    ("right-to-left override", "\u202e", "U+202E"),
    ("control character", "\x07", "U+0007"),
]
IDS = [case[0] for case in UNPRINTABLE]


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("_, char, named", UNPRINTABLE, ids=IDS)
def test_an_unprintable_ort_is_refused_at_the_field(app: Flask, _: str, char: str,
                                                     named: str) -> None:
    world = build_world()
    browser = officer(app, world)
    url = f"/insatser/{world.insats_a1.id}/samtycke"
    browser.get(url)
    response = browser.post(url, {"skyddad_identitet": "nej", "personnummer": PNR,
                                  "place": f"Um{char}eå"})
    assert response.status_code == 200
    message = field_error(page_of(response), "place")
    assert named in message and "skrivas ut i PDF:en" in message
    assert count(ConsentDraft) == 0


@pytest.mark.parametrize("_, char, named", UNPRINTABLE, ids=IDS)
def test_an_unprintable_name_is_refused_at_signing(app: Flask, _: str, char: str,
                                                    named: str) -> None:
    world = build_world()
    browser = officer(app, world)
    url = read_url(start(browser, world), "sv")
    response = sign(browser, url, name=f"Anna {char}Andersson")
    assert response.status_code == 422
    message = field_error(page_of(response), "name")
    assert named in message and "skrivas ut i PDF:en" in message
    assert count(Consent) == 0 and count(Person) == 0 and count(ConsentDraft) == 1


def test_the_participant_reads_the_message_in_their_language(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    url = read_url(start(browser, world), "ar")
    response = sign(browser, url, name="Anna 😀")
    message = field_error(page_of(response), "name")
    assert response.status_code == 422 and "U+1F600 (😀)" in message
    assert "PDF" in message and "kan inte" not in message  # Arabic, not Swedish
    assert count(Consent) == 0


def test_a_name_in_any_script_of_the_texts_still_signs(app: Flask) -> None:
    """Persian with a zero-width non-joiner, Ethiopic, Thai: the fonts have them all."""
    world = build_world()
    browser = officer(app, world)
    response = sign(browser, read_url(start(browser, world), "fa"),
                    name="می\u200cخواهم ሰላም สมชาย")
    assert response.status_code == 302
    assert count(Consent) == 1


@pytest.mark.parametrize("_, char, named", UNPRINTABLE, ids=IDS)
def test_an_uploaded_text_with_an_unprintable_character_is_not_published(
        app: Flask, _: str, char: str, named: str) -> None:
    world = build_world()
    admin = Browser(app.test_client())
    admin.login(world.email("samverkansadmin"), "test-password-123")
    # TOML takes a control character only as an escape; the parsed text holds it all the same.
    typed = f"\\u{ord(char):04X}" if char < " " else char
    raw = own_swedish_text().decode("utf-8").replace(
        "Förbund A ansvarar för behandlingen", f"Förbund A{typed} ansvarar för behandlingen")
    response = upload(admin, world.forbund_a.id, raw.encode("utf-8"))
    assert response.status_code == 422
    message = field_error(page_of(response), "file")
    assert "Avsnittet [[sections]] " in message and named in message, message
    assert count(ConsentTextVersion) == 0


@pytest.mark.parametrize("_, char, named", UNPRINTABLE, ids=IDS)
@pytest.mark.parametrize("what", ["insats", "forbund", "user"])
def test_an_unprintable_name_of_an_insats_forbund_or_officer_is_refused(
        app: Flask, what: str, _: str, char: str, named: str) -> None:
    world = build_world()
    name = f"Nya {char}vägar"
    if what == "insats":
        browser = logged_in(app, world, "samverkansadmin")
        response, model = browser.post("/insatser/new", {**INSATS, "name": name}), Insats
        field = "name"
    elif what == "forbund":
        browser = logged_in(app, world, "system_admin")
        response, model = browser.post("/forbund/new", {"name": name}), Forbund
        field = "name"
    else:
        browser = logged_in(app, world, "samverkansadmin")
        url = f"/forbund/{world.forbund_a.id}/users/new"
        browser.get(url)
        response, model = browser.post(url, {"full_name": name, "email": "ny@t.example",
                                             "password": "ett-langt-losenord-2026"}), User
        field = "full_name"
    before = count(model)
    message = field_error(page_of(response), field)
    assert named in message and "skrivas ut i PDF:en" in message, message
    assert count(model) == before


def test_an_unprintable_name_from_before_the_checks_gives_a_message_not_an_error(
        app: Flask) -> None:
    """An insats named before these checks existed: the signature fails with a message in
    the participant's language naming the character, never the PDF library's English text
    or a 500, and nothing is saved."""
    world = build_world()
    db.session.execute(update(Insats).where(Insats.id == world.insats_a1.id)
                       .values(name="Insats 漢"))
    db.session.commit()
    browser = officer(app, world)
    url = read_url(start(browser, world), "sv")
    response = sign(browser, url)
    page = page_of(response)
    assert response.status_code == 422
    assert "U+6F22 (漢)" in page and "Ge surfplattan till handläggaren" in page
    assert "glyph" not in page
    assert count(Consent) == 0 and count(ConsentDraft) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "consent.signed")) == 0
