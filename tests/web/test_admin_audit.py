"""Administrators' changes in the audit trail (issue 15): users (created, changed,
deactivated), permissions (added, removed, renewed), passwords (changed, reset), consent
texts (published) and förbund settings, each an entry naming who, which record and which
fields changed, never a password or a personal value. Removing a permission or closing an
account ends that user's open sessions."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select

from formapp.cli import cli
from formapp.clock import today
from formapp.extensions import db
from formapp.records.audit import verify_chain
from formapp.records.models import AuditEntry, Forbund, Grant, User
from formapp.webclient import Browser
from tests.web.test_consent_texts_admin import own_swedish_text, upload
from tests.world import PASSWORD, World, build_world

NEW_PASSWORD = "ett-nytt-langt-losen"
RESET_PASSWORD = "admin-satt-det-har"


def logged_in(app: Flask, world: World, who: str) -> Browser:
    browser = Browser(app.test_client())
    browser.login(world.email(who), PASSWORD)
    return browser


def entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


def one(action: str, subject: str) -> AuditEntry:
    found = [e for e in entries(action) if e.subject == subject]
    assert len(found) == 1, (action, subject, [(e.action, e.subject) for e in entries(action)])
    return found[0]


def details(entry: AuditEntry) -> dict:
    return json.loads(entry.details)


def test_every_admin_change_is_an_entry_naming_who_what_and_which_fields(app: Flask) -> None:
    world = build_world()
    admin = logged_in(app, world, "samverkansadmin")
    admin_id = world.users["samverkansadmin"].id
    forbund_a = world.forbund_a.id

    # A user created, changed, given a new password, closed.
    url = f"/forbund/{forbund_a}/users/new"
    admin.get(url)
    assert admin.post(url, {"full_name": "Nina Ny", "email": "nina@t.example",
                            "password": RESET_PASSWORD, "is_active": "y"}).status_code == 302
    nina = db.session.scalar(select(User).where(User.email == "nina@t.example"))
    created = one("user.created", f"user:{nina.id}")
    assert created.actor_id == admin_id and created.forbund_id == forbund_a
    assert {"email", "full_name", "password", "is_active"} <= set(details(created)["changed"])

    assert admin.post(f"/users/{nina.id}", {"full_name": "Nina Nyare", "email": "nina@t.example",
                                            "is_active": "y"}).status_code == 302
    assert details(one("user.changed", f"user:{nina.id}"))["changed"] == ["full_name"]

    assert admin.post(f"/users/{nina.id}", {"full_name": "Nina Nyare", "email": "nina@t.example",
                                            "password": NEW_PASSWORD,
                                            "is_active": "y"}).status_code == 302
    reset = one("user.password_reset", f"user:{nina.id}")
    assert reset.actor_id == admin_id

    # A permission added, renewed, removed.
    grants = f"/users/{nina.id}/grants"
    assert admin.post(grants, {"grant-role": "rapport",
                               "grant-valid_from": today().isoformat()}).status_code == 302
    grant = db.session.scalar(select(Grant).where(Grant.user_id == nina.id))
    added = one("grant.added", f"grant:{grant.id}")
    assert added.actor_id == admin_id and details(added)["role"] == "rapport"
    assert details(added)["user_id"] == nina.id
    assert admin.post(f"/grants/{grant.id}/renew").status_code == 302
    renewed = one("grant.renewed", f"grant:{grant.id}")
    new_grant = details(renewed)["new_grant_id"]
    assert not [e for e in entries("grant.added") if e.subject == f"grant:{new_grant}"]
    assert admin.post(f"/grants/{new_grant}/revoke", {"bekraftat": "1"}).status_code == 302
    assert one("grant.revoked", f"grant:{new_grant}").actor_id == admin_id

    # Closing the account.
    assert admin.post(f"/users/{nina.id}", {"full_name": "Nina Nyare",
                                            "email": "nina@t.example"}).status_code == 302
    closed = [e for e in entries("user.changed") if e.subject == f"user:{nina.id}"][-1]
    assert details(closed)["changed"] == ["is_active"] and details(closed)["is_active"] is False

    # The insatsansvarig assigns and removes a deltagaransvarig.
    insats = logged_in(app, world, "insatsansvarig")
    insats_url = f"/insatser/{world.insats_a2.id}"
    insats.get(insats_url)
    insats.post(f"{insats_url}/deltagaransvariga", {"user_id": str(world.target.id),
                                                    "valid_from": today().isoformat()})
    assigned = db.session.scalar(select(Grant).where(Grant.insats_id == world.insats_a2.id))
    assert one("grant.added", f"grant:{assigned.id}").actor_id == \
        world.users["insatsansvarig"].id
    insats.post(f"{insats_url}/deltagaransvariga/{assigned.id}/remove", {"bekraftat": "1"})
    assert one("grant.revoked", f"grant:{assigned.id}").actor_id == \
        world.users["insatsansvarig"].id

    # One's own password.
    own = logged_in(app, world, "rapport")
    own.get("/account/password")
    assert own.post("/account/password", {"current_password": PASSWORD,
                                          "new_password": NEW_PASSWORD}).status_code == 302
    changed = one("user.password_changed", f"user:{world.users['rapport'].id}")
    assert changed.actor_id == world.users["rapport"].id

    # A consent text published.
    assert upload(admin, forbund_a, own_swedish_text()).status_code == 302
    published = one("consent_text.published", f"consent_text:9443-sv-f{forbund_a}-1")
    assert published.actor_id == admin_id and details(published)["locale"] == "sv"

    # The förbund's settings, and a new förbund.
    admin.get(f"/forbund/{forbund_a}/edit")
    assert admin.post(f"/forbund/{forbund_a}/edit", {
        "name": "Förbund A", "kommun_text": "Umeå och Vännäs"}).status_code == 302
    assert details(one("forbund.changed", f"forbund:{forbund_a}"))["changed"] == ["kommun_text"]
    system = logged_in(app, world, "system_admin")
    system.get("/forbund/new")
    assert system.post("/forbund/new", {"name": "Förbund C"}).status_code == 302
    forbund_c = db.session.scalar(select(Forbund).where(Forbund.name == "Förbund C"))
    made = one("forbund.created", f"forbund:{forbund_c.id}")
    assert made.actor_id == world.users["system_admin"].id and made.forbund_id == forbund_c.id

    # The command line too: no actor but the system.
    result = app.test_cli_runner().invoke(cli, [
        "create-user", "cli@t.example", "--name", "Cli Användare", "--system-admin",
        "--password-stdin"], input=f"{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    cli_user = db.session.scalar(select(User).where(User.email == "cli@t.example"))
    by_cli = one("user.created", f"user:{cli_user.id}")
    assert by_cli.actor == "system" and details(by_cli)["system_admin"] is True

    # Never a password or a personal value in what the entries say.
    db.session.expire_all()
    for entry in db.session.scalars(select(AuditEntry)):
        said = f"{entry.subject} {entry.why} {entry.details}"
        for secret in (PASSWORD, NEW_PASSWORD, RESET_PASSWORD, "nina@t.example", "Nina",
                       "cli@t.example", "Cli Användare", "Vännäs", "$argon2"):
            assert secret not in said, (entry.action, secret)
    assert verify_chain().ok

    # The förbund's administrator finds them on Granskningslogg.
    page = admin.post("/granskningslogg", {"handelse": "grant.revoked"}).get_data(as_text=True)
    assert f"grant:{new_grant}" in page


def test_removing_a_permission_ends_that_users_sessions(app: Flask) -> None:
    world = build_world()
    reporter = logged_in(app, world, "rapport")
    assert reporter.get("/rapporter/").status_code == 200
    admin = logged_in(app, world, "samverkansadmin")
    grant = world.users["rapport"].grants[0]
    admin.get(f"/users/{world.users['rapport'].id}")
    assert admin.post(f"/grants/{grant.id}/revoke", {"bekraftat": "1"}).status_code == 302
    response = reporter.get("/rapporter/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert admin.get("/").status_code == 200  # the administrator's own session goes on


def test_removing_an_assignment_ends_the_deltagaransvarigs_sessions(app: Flask) -> None:
    world = build_world()
    extra = Browser(app.test_client())
    extra.login("extra@t.example", PASSWORD)
    assert extra.get(f"/insatser/{world.insats_a1.id}/deltagare").status_code == 200
    insats = logged_in(app, world, "insatsansvarig")
    url = f"/insatser/{world.insats_a1.id}"
    insats.get(url)
    insats.post(f"{url}/deltagaransvariga/{world.extra_assignment.id}/remove",
               {"bekraftat": "1"})
    response = extra.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_closing_an_account_ends_its_sessions(app: Flask) -> None:
    world = build_world()
    target = Browser(app.test_client())
    target.login(world.email("insatsansvarig"), PASSWORD)
    assert target.get("/insatser/").status_code == 200
    admin = logged_in(app, world, "samverkansadmin")
    user = world.users["insatsansvarig"]
    admin.get(f"/users/{user.id}")
    assert admin.post(f"/users/{user.id}", {"full_name": user.full_name,
                                            "email": user.email}).status_code == 302
    response = target.get("/insatser/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_administrator_removing_their_own_other_permission_stays_logged_in(
        app: Flask) -> None:
    world = build_world()
    admin = logged_in(app, world, "samverkansadmin")
    user = world.users["samverkansadmin"]
    admin.get(f"/users/{user.id}")
    assert admin.post(f"/users/{user.id}/grants", {
        "grant-role": "rapport", "grant-valid_from": today().isoformat()}).status_code == 302
    rapport = db.session.scalar(select(Grant).where(Grant.user_id == user.id,
                                                    Grant.role == "rapport"))
    assert admin.post(f"/grants/{rapport.id}/revoke", {"bekraftat": "1"}).status_code == 302
    assert admin.get(f"/users/{user.id}").status_code == 200
