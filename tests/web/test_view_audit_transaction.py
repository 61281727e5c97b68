"""A view's audit entry is written at the end of the request, in a transaction of its own: it
never commits what the page had changed but not committed (half a change when the page then
fails), and it is written even when the page fails after loading the data."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from formapp.extensions import db
from formapp.records.audit import verify_chain
from formapp.records.models import AuditEntry, Forbund
from formapp.web.route_policy import officer_route
from formapp.web.view_audit import record_view
from formapp.webclient import Browser
from tests.web.registration_helpers import register_one
from tests.web.test_consent_flow import officer
from tests.world import build_world

HALF_DONE = "Halvt ändrat förbund"


class PageFailed(RuntimeError):
    pass


def _add_failing_page(app: Flask, forbund_id: int) -> None:
    """A page that changes a row (flushed, not committed), shows personal data, then fails."""
    @officer_route
    def half_done() -> str:
        forbund = db.session.get(Forbund, forbund_id)
        assert forbund is not None
        forbund.name = HALF_DONE
        db.session.flush()
        record_view(action="test.viewed", subject=f"forbund:{forbund_id}", why="Testsida",
                    forbund_id=forbund_id, personnummer="191212121212")
        raise PageFailed("rendering failed after the data was loaded")

    app.add_url_rule("/_test/halvt", "test_half_done", half_done)


def _committed_names() -> set[str]:
    """What another connection sees: only what was committed."""
    with db.engine.connect() as connection:
        return set(connection.scalars(select(Forbund.name)))


def _committed_actions() -> list[str]:
    with db.engine.connect() as connection:
        return list(connection.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _opened(app: Flask) -> Browser:
    world = build_world()
    _add_failing_page(app, world.forbund_a.id)
    return officer(app, world)


def test_a_page_that_fails_commits_nothing_but_its_view_entry(app: Flask) -> None:
    browser = _opened(app)
    assert browser.get("/_test/halvt").status_code == 500  # the error page (web/errors.py)
    assert HALF_DONE not in _committed_names()
    assert _committed_actions().count("test.viewed") == 1
    db.session.rollback()
    assert verify_chain().ok


def test_a_shown_page_commits_its_view_entries_in_order(app: Flask) -> None:
    world = build_world()
    registration_id = register_one(app, world)
    browser = officer(app, world)
    assert browser.get(f"/registreringar/{registration_id}").status_code == 200
    assert browser.get(f"/registreringar/{registration_id}/pdf").status_code == 200
    assert _committed_actions()[-2:] == ["registration.viewed", "registration.pdf"]
    db.session.rollback()
    assert verify_chain().ok
