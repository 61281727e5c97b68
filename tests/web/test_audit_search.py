"""The audit search page: an administrator finds who did what with whose data, by person,
user, action and dates, a page at a time, sees whether the chain holds, and is logged doing it."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import select

import formapp
from formapp.clock import today
from formapp.extensions import db
from formapp.records.audit import log_event, person_key
from formapp.records.audit_events import EVENT_LABELS, event_label
from formapp.records.models import AuditEntry
from formapp.webclient import Browser
from tests.web.registration_helpers import PNR_MAN, take_consent
from tests.world import PASSWORD, World, build_world

ROW = '<td class="ltr when">'


def shown(action: str) -> str:
    """An entry of ``action`` in the result table (not the option of the action filter)."""
    return f"<td>{event_label(action)}<br>"


def admin(app: Flask, world: World, who: str = "samverkansadmin") -> Browser:
    browser = Browser(app.test_client())
    browser.login(world.email(who), PASSWORD)
    return browser


def page(browser: Browser, **args: object) -> str:
    """The search as the page's form sends it: a POST (a GET shows the newest entries)."""
    response = browser.post("/granskningslogg", args) if args else browser.get(
        "/granskningslogg")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _world_with_entries(app: Flask) -> World:
    world = build_world()
    take_consent(app, world, PNR_MAN)  # consent.signed about the person, in förbund A
    log_event(actor=world.users["other_forbund_admin"], action="test.forbund_b",
              subject="x", forbund_id=world.forbund_b.id)
    db.session.commit()
    return world


def test_a_forbund_admin_searches_their_forbund_by_person_user_action_and_dates(
        app: Flask) -> None:
    world = _world_with_entries(app)
    browser = admin(app, world)
    html = page(browser)
    assert shown("consent.signed") in html
    assert shown("test.forbund_b") not in html  # their own förbund only
    assert "Del Ansvarig" in html and "Samtycke FK 9443" in html  # who and why

    assert shown("consent.signed") in page(browser, personnummer="19121212-1212")
    assert "Inga händelser" in page(browser, personnummer="19800101-0100")
    assert shown("consent.signed") in page(browser, anvandare="DEL@T")
    assert shown("consent.signed") not in page(browser, anvandare="nobody")
    assert shown("consent.signed") in page(browser, handelse="consent.signed")
    tomorrow = (today() + timedelta(days=1)).isoformat()
    assert shown("consent.signed") not in page(browser, fran=tomorrow)
    assert shown("consent.signed") in page(browser, till=tomorrow)
    assert "Hel</span>" in html and "Bruten" not in html


def test_a_system_admin_sees_every_forbund_and_can_narrow_to_one(app: Flask) -> None:
    world = _world_with_entries(app)
    browser = admin(app, world, "system_admin")
    html = page(browser)
    assert shown("consent.signed") in html and shown("test.forbund_b") in html
    only_b = page(browser, forbund=str(world.forbund_b.id))
    assert shown("test.forbund_b") in only_b and shown("consent.signed") not in only_b
    checked = page(browser, kedja="1")
    assert "Hela kedjan är kontrollerad" in checked


def test_bad_input_gets_a_message_at_the_field(app: Flask) -> None:
    world = _world_with_entries(app)
    browser = admin(app, world)
    for args, message in (({"personnummer": "1912"}, "12 siffror"),
                          ({"fran": "2026-13-01"}, "ÅÅÅÅ-MM-DD"),
                          ({"fran": "2026-02-01", "till": "2026-01-01"}, "före från och med"),
                          ({"handelse": "no.such"}, "")):
        response = browser.post("/granskningslogg", args)
        assert response.status_code == 422, args
        assert message in response.get_data(as_text=True)


def test_paging(app: Flask) -> None:
    world = build_world()
    for number in range(60):
        log_event(actor=world.users["samverkansadmin"], action="test.paging",
                  subject=f"n:{number}", forbund_id=world.forbund_a.id)
    db.session.commit()
    browser = admin(app, world)
    first = page(browser, handelse="test.paging")
    assert first.count(ROW) == 50 and "Sida 1 av 2" in first and "n:59" in first
    second = page(browser, handelse="test.paging", sida="2")
    assert second.count(ROW) == 10 and "n:0<" in second and "Sida 2 av 2" in second
    assert page(browser, handelse="test.paging", sida="99").count(ROW) == 10  # the last
    checked = page(browser, handelse="test.paging", denna_sida="2", kedja="1")
    assert "Sida 2 av 2" in checked and "Hela kedjan är kontrollerad" in checked


def test_criteria_in_the_url_are_not_searched(app: Flask) -> None:
    """A link can not carry a personnummer into a search: a GET ignores its query string."""
    world = _world_with_entries(app)
    browser = admin(app, world)
    html = browser.get("/granskningslogg", query_string={
        "personnummer": "19800101-0100", "handelse": "test.none"}).get_data(as_text=True)
    assert shown("consent.signed") in html  # neither the person nor the action applied


def test_searching_is_itself_audited_with_the_person_it_named(app: Flask) -> None:
    world = _world_with_entries(app)
    page(admin(app, world), personnummer="191212121212", anvandare="del")
    db.session.expire_all()
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "audit.searched")).one()
    assert entry.actor_id == world.users["samverkansadmin"].id
    assert entry.forbund_id == world.forbund_a.id
    assert entry.person_key == person_key("191212121212")
    assert "191212" not in entry.details and '"actor": "del"' in entry.details


def test_events_are_named_in_words_in_the_filter_and_the_table(app: Flask) -> None:
    world = _world_with_entries(app)
    browser = admin(app, world)
    html = page(browser)
    assert '<option value="consent.signed">Samtycke undertecknat</option>' in html
    assert "<td>Samtycke undertecknat<br>" in html
    assert ">consent.signed<" not in html  # the code only as the option's value
    english = browser.get("/granskningslogg?lang=en").get_data(as_text=True)
    assert "<td>Consent signed<br>" in english


def _written_event_codes() -> set[str]:
    """Every event code formapp's code writes: the string constants given as ``action`` to
    log_event and its wrappers (the functions with an ``action`` parameter that pass it on)."""
    root = Path(formapp.__file__).parent
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in root.rglob("*.py")]
    wrappers = {"log_event"}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and "action" in [a.arg for a in node.args.args
                                                                  + node.args.kwonlyargs]:
                wrappers.add(node.name)
    wrappers.discard("__init__")
    codes: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name not in wrappers:
                continue
            given = [k.value for k in node.keywords if k.arg == "action"]
            given += node.args[1:2] if name != "log_event" else []
            for expression in given:
                codes |= _strings(expression)
    return codes


def _strings(expression: ast.expr) -> set[str]:
    """The string constants of ``expression`` (``"a" if x else "b"``), not those inside a call
    (``url_for("users.revoke")`` is a form's target, not an event)."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return {expression.value}
    if isinstance(expression, ast.Call):
        return set()
    return {s for child in ast.iter_child_nodes(expression) if isinstance(child, ast.expr)
            for s in _strings(child)}


def test_every_event_code_the_code_writes_has_a_label() -> None:
    codes = _written_event_codes()
    assert {"consent.signed", "registration.viewed", "consent.pdf", "keys.rotated"} <= codes
    assert codes - EVENT_LABELS.keys() == set()
