"""A double tap on "Skriv under": two signature POSTs of one draft at the same time, over real
HTTP to the app served on a loopback port, each request in its own server thread and database
connection. Both get the same answer (the done page for the same consent), one consent is
sealed, and the loser's PDF leaves no file behind (issue 15, point 6)."""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask, session
from sqlalchemy import select
from werkzeug.serving import make_server

from formapp.cli import cli
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.audit import verify_chain
from formapp.records.models import ArchivedDocument, AuditEntry, Consent, ConsentDraft, Person
from formapp.web.handover import HANDOVER_KEY
from formapp.webclient import shown_texts
from tests.web.test_consent_flow import count, officer, read_url, signature_json, start
from tests.world import World, build_world


@dataclass
class Answer:
    status: int
    location: str
    cookie: str  # the session cookie the answer set ("" if none)


@pytest.fixture
def served(app: Flask) -> Iterator[int]:
    """The test's app on a free loopback port, one thread per request."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=5)


def post(port: int, path: str, form: dict[str, str], cookie: str) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", path, body=urllib.parse.urlencode(form), headers={
            "Cookie": f"session={cookie}",
            "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        cookies = [value.partition("=")[2].split(";", 1)[0]
                   for value in response.headers.get_all("Set-Cookie") or []
                   if value.startswith("session=")]
        return Answer(response.status, response.getheader("Location") or "",
                      cookies[0] if cookies else "")
    finally:
        connection.close()


def handover_of(app: Flask, cookie: str) -> object:
    """The hand-over state the session with this cookie holds, read as the app reads it."""
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        return session.get(HANDOVER_KEY)


def both_at_once(port: int, path: str, form: dict[str, str], cookie: str) -> list[Answer]:
    """Two identical POSTs released together, as a finger tapping twice."""
    gate = threading.Barrier(2)
    answers: list[Answer | None] = [None, None]

    def tap(slot: int) -> None:
        gate.wait()
        answers[slot] = post(port, path, form, cookie)

    threads = [threading.Thread(target=tap, args=(slot,)) for slot in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers[0] is not None and answers[1] is not None
    return [answers[0], answers[1]]


def ready_to_sign(app: Flask, world: World) -> tuple[str, dict[str, str], str]:
    """The officer starts a consent, the participant opens the Swedish text: the path, the
    form a tap sends, and the tablet's session cookie."""
    evidence()  # the development seal is made on first use: once, before the race
    browser = officer(app, world)
    url = read_url(start(browser, world), "sv")
    page = browser.get(url).get_data(as_text=True)
    form = {"csrf_token": browser.token or "", "confirmed": "y",
            "name": "Testperson Exempelsson", "signature": signature_json(),
            "texts": shown_texts(page)}
    cookie = browser.client.get_cookie("session")
    assert cookie is not None
    return url, form, cookie.value


def test_a_double_tap_gives_both_taps_the_same_receipt(app: Flask, served: int) -> None:
    world = build_world()
    path, form, cookie = ready_to_sign(app, world)

    answers = both_at_once(served, path, form, cookie)

    assert [(a.status, a.location) for a in answers] == [(302, "/deltagare/klart")] * 2
    consents = db.session.scalars(select(Consent)).all()
    assert len(consents) == 1 and count(Person) == 1 and count(ConsentDraft) == 0
    # The officer's hand-over ends the same whichever answer the tablet kept.
    states = [handover_of(app, a.cookie) for a in answers]
    assert states == [{"consent": consents[0].id}] * 2
    # The loser sealed a PDF of its own: it went with its transaction, no file left over.
    assert count(ArchivedDocument) == 1
    result = app.test_cli_runner().invoke(cli, ["verify", "--all"])
    assert result.exit_code == 0, result.output
    signed = db.session.scalars(select(AuditEntry.subject).where(
        AuditEntry.action == "consent.signed")).all()
    assert signed == [f"consent:{consents[0].id}"] and verify_chain().problems == ()


def test_a_tap_after_the_consent_is_saved_gets_the_same_receipt(app: Flask,
                                                               served: int) -> None:
    """The second tap arrives once the first has committed (the draft is gone by then)."""
    world = build_world()
    path, form, cookie = ready_to_sign(app, world)

    first = post(served, path, form, cookie)
    second = post(served, path, form, cookie)

    assert (first.status, first.location) == (second.status, second.location) == \
        (302, "/deltagare/klart")
    consent = db.session.scalar(select(Consent))
    assert handover_of(app, first.cookie) == handover_of(app, second.cookie) == \
        {"consent": consent.id}
    assert count(Consent) == 1
