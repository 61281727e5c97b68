"""Förbund, insatser, users and permissions through the pages: saved when right, refused at
the field when wrong, and nothing half-saved."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from formapp.clock import today
from formapp.extensions import db
from formapp.records.models import Forbund, Grant, Insats, Role, User
from formapp.webclient import Browser
from tests.world import PASSWORD, World, build_world


def field_error(page: str, field_id: str) -> str:
    """The message shown at ``field_id``, or '' if none."""
    match = re.search(rf'<ul class="field-errors" id="{field_id}-errors">\s*<li>([^<]*)</li>',
                      page)
    return match.group(1) if match else ""


def logged_in(app: Flask, world: World, role: str) -> Browser:
    browser = Browser(app.test_client())
    browser.login(world.email(role), PASSWORD)
    return browser


def count(model: type) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


INSATS = {"name": "Nya vägar", "start_date": "2025-01-01", "end_date": "2026-12-31",
          "kind": "individinriktad", "inriktning": "forberedande", "finansieringsform": "finsam"}


def test_system_admin_creates_and_edits_a_forbund(app: Flask) -> None:
    world = build_world()
    browser = logged_in(app, world, "system_admin")
    browser.get("/forbund/new")
    response = browser.post("/forbund/new", {"name": "  Samordningsförbundet  Norr ",
                                             "organisationsnummer": "2220001230"})
    assert response.status_code == 302
    forbund = db.session.scalar(select(Forbund).where(Forbund.name.like("%Norr")))
    assert forbund.name == "Samordningsförbundet Norr"
    assert forbund.organisationsnummer == "222000-1230"
    response = browser.post(f"/forbund/{forbund.id}/edit", {"name": "Samordningsförbundet Nord"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Forbund, forbund.id).name == "Samordningsförbundet Nord"


@pytest.mark.parametrize("data, field, message", [
    ({"name": "förbund a"}, "name", "Det finns redan ett förbund med namnet"),
    ({"name": ""}, "name", "Ange förbundets namn."),
    ({"name": "X", "organisationsnummer": "2220001234"}, "organisationsnummer",
     "kontrollsiffra"),
    ({"name": "X", "organisationsnummer": "12-34"}, "organisationsnummer", "tio siffror"),
    ({"name": "X" * 201}, "name", "högst 200 tecken"),
])
def test_bad_forbund_input_is_refused_at_the_field(app: Flask, data: dict, field: str,
                                                   message: str) -> None:
    world = build_world()
    browser = logged_in(app, world, "system_admin")
    before = count(Forbund)
    page = browser.post("/forbund/new", data).get_data(as_text=True)
    assert message in field_error(page, field)
    assert count(Forbund) == before


def test_insatsansvarig_creates_and_edits_an_insats(app: Flask) -> None:
    world = build_world()
    browser = logged_in(app, world, "insatsansvarig")
    browser.get("/insatser/new")
    response = browser.post("/insatser/new", {**INSATS, "prio_langtidssjukskrivna": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    insats = db.session.scalar(select(Insats).where(Insats.name == "Nya vägar"))
    assert insats.forbund_id == world.forbund_a.id and insats.prio_langtidssjukskrivna
    assert not insats.prio_unga_aktivitetsersattning
    page = browser.get(f"/insatser/{insats.id}").get_data(as_text=True)
    assert "Förberedande" in page and "Långtidssjukskrivna" in page
    response = browser.post(f"/insatser/{insats.id}/edit",
                            {**INSATS, "kind": "strukturovergripande",
                             "inriktning": "dialog_kommunikation"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Insats, insats.id).inriktning == "dialog_kommunikation"


@pytest.mark.parametrize("change, field, message", [
    ({"name": "insats a1"}, "name", "redan en insats med namnet"),
    ({"end_date": "2024-12-31"}, "end_date", "före startdatum"),
    ({"start_date": "2003-12-31"}, "start_date", "före 2004-01-01"),
    ({"end_date": "2040-01-01"}, "end_date", "högst 10 år"),
    ({"start_date": "31/12/2025"}, "start_date", "ÅÅÅÅ-MM-DD"),
    ({"start_date": "2025-02-30"}, "start_date", "ÅÅÅÅ-MM-DD"),
    ({"inriktning": "utbildning"}, "inriktning", "passar inte"),
    ({"inriktning": "nonsense"}, "inriktning", "passar inte"),
    ({"kind": ""}, "kind", "individinriktad eller strukturövergripande"),
    ({"finansieringsform": "lotteri"}, "finansieringsform", "Välj en finansieringsform"),
    ({"kind": "strukturovergripande", "inriktning": "utbildning", "is_volyminsats": "y"},
     "is_volyminsats", "individinriktad"),
])
def test_bad_insats_input_is_refused_at_the_field(app: Flask, change: dict, field: str,
                                                  message: str) -> None:
    world = build_world()
    browser = logged_in(app, world, "samverkansadmin")
    before = count(Insats)
    response = browser.post("/insatser/new", {**INSATS, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in field_error(page, field), page[-3000:]
    assert count(Insats) == before


def test_a_failed_edit_keeps_what_was_saved(app: Flask) -> None:
    world = build_world()
    browser = logged_in(app, world, "samverkansadmin")
    browser.post(f"/insatser/{world.insats_a2.id}/edit",
                 {**INSATS, "name": "Ändrat namn", "end_date": "2020-01-01"})
    db.session.expire_all()
    insats = db.session.get(Insats, world.insats_a2.id)
    assert insats.name == "Insats A2" and insats.end_date is None


def test_admin_creates_a_user_and_grants_permissions(app: Flask) -> None:
    world = build_world()
    browser = logged_in(app, world, "samverkansadmin")
    url = f"/forbund/{world.forbund_a.id}/users/new"
    browser.get(url)
    page = browser.post(url, {"full_name": "Nina Ny", "email": "sam@t.example",
                              "password": "a-long-password"}).get_data(as_text=True)
    assert "används redan" in field_error(page, "email")
    page = browser.post(url, {"full_name": "Nina Ny", "email": "nina@t.example",
                              "password": "short"}).get_data(as_text=True)
    assert "minst 12 tecken" in field_error(page, "password")
    response = browser.post(url, {"full_name": "Nina Ny", "email": "Nina@T.example",
                                  "password": "a-long-password", "is_active": "y"})
    assert response.status_code == 302
    nina = db.session.scalar(select(User).where(User.email == "nina@t.example"))
    assert nina.forbund_id == world.forbund_a.id and nina.is_active

    day = today()
    grants = f"/users/{nina.id}/grants"
    too_long = (day + timedelta(days=800)).isoformat()
    page = browser.post(grants, {"grant-role": "rapport", "grant-valid_from": day.isoformat(),
                                 "grant-valid_until": too_long}).get_data(as_text=True)
    assert "högst två år" in field_error(page, "grant-valid_until")
    response = browser.post(grants, {"grant-role": "deltagaransvarig",
                                     "grant-insats_id": str(world.insats_a1.id),
                                     "grant-valid_from": day.isoformat()})
    assert response.status_code == 302
    page = browser.post(grants, {"grant-role": "insatsansvarig",
                                 "grant-valid_from": day.isoformat()}).get_data(as_text=True)
    assert "är deltagaransvarig och kan därför inte bli insatsansvarig" in \
        field_error(page, "grant-role")
    page = browser.post(f"/users/{nina.id}", {"full_name": "Nina Ny", "email": "nina@t.example",
                                              "employed_by_forbund": "y", "is_active": "y"}
                        ).get_data(as_text=True)
    assert "anställd på förbundet kan inte vara deltagaransvarig" in \
        field_error(page, "employed_by_forbund")
    db.session.expire_all()
    nina = db.session.get(User, nina.id)
    assert not nina.employed_by_forbund
    assert [(g.role, g.insats_id) for g in nina.grants] == [
        (Role.DELTAGARANSVARIG.value, world.insats_a1.id)]
    assert Browser(app.test_client()).login("nina@t.example", "a-long-password") \
        .status_code == 302


def test_insatsansvarig_assigns_and_removes_a_deltagaransvarig(app: Flask) -> None:
    world = build_world()
    browser = logged_in(app, world, "insatsansvarig")
    url = f"/insatser/{world.insats_a2.id}"
    browser.get(url)
    page = browser.post(f"{url}/deltagaransvariga", {
        "user_id": str(world.users["samverkansadmin"].id),
        "valid_from": today().isoformat()}).get_data(as_text=True)
    assert "kan därför inte vara deltagaransvarig" in field_error(page, "user_id")
    page = browser.post(f"{url}/deltagaransvariga", {
        "user_id": str(world.users["other_forbund_admin"].id),
        "valid_from": today().isoformat()}).get_data(as_text=True)
    assert "Välj en användare i förbundet" in field_error(page, "user_id")
    response = browser.post(f"{url}/deltagaransvariga", {
        "user_id": str(world.target.id), "valid_from": today().isoformat()})
    assert response.status_code == 302
    grant = db.session.scalar(select(Grant).where(Grant.insats_id == world.insats_a2.id))
    assert grant.user_id == world.target.id and grant.revoked_at is None
    browser.get(url)
    asked = browser.post(f"{url}/deltagaransvariga/{grant.id}/remove")  # asks first
    assert asked.status_code == 200 and "Ja, ta bort" in asked.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Grant, grant.id).revoked_at is None
    browser.post(f"{url}/deltagaransvariga/{grant.id}/remove", {"bekraftat": "1"})
    db.session.expire_all()
    assert db.session.get(Grant, grant.id).revoked_at is not None


def test_unknown_ids_are_404_not_errors(app: Flask) -> None:
    world = build_world()
    browser = logged_in(app, world, "samverkansadmin")
    for url in ("/insatser/99999", "/forbund/99999", "/users/99999", "/insatser/abc"):
        assert browser.get(url).status_code == 404
    assert browser.post("/grants/99999/revoke").status_code == 404


def test_an_administrator_can_not_revoke_their_own_admin_permission(app: Flask) -> None:
    world = build_world()
    browser = logged_in(app, world, "samverkansadmin")
    own = world.users["samverkansadmin"].grants[0]
    browser.get(f"/users/{world.users['samverkansadmin'].id}")
    browser.post(f"/grants/{own.id}/revoke")
    db.session.expire_all()
    assert db.session.get(Grant, own.id).revoked_at is None
    assert browser.get(f"/forbund/{world.forbund_a.id}/users/").status_code == 200
