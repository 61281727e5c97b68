"""SUS's permission rules: two years at most, and who can not be deltagaransvarig."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError

from formapp.cases.accounts import grant_role, renew_grant, revoke_grant
from formapp.clock import today
from formapp.extensions import db
from formapp.records.access import can_view_insats, roles_on, visible_insatser
from formapp.records.accounts import max_valid_until
from formapp.records.errors import RuleViolation
from formapp.records.models import Grant, Role
from tests.world import add_insats, add_user, build_world


def test_a_permission_lasts_at_most_two_years(app: Flask) -> None:
    world = build_world()
    day = today()
    user = add_user(world.forbund_a, "new@t.example", "Ny Person")
    grant = grant_role(user, Role.RAPPORT, valid_from=day, valid_until=None, insats=None,
                       granted_by=None, today=day)
    assert grant.valid_until == max_valid_until(day)
    assert (grant.valid_until - day).days in (729, 730)
    with pytest.raises(RuleViolation) as raised:
        grant_role(user, Role.INSATSANSVARIG, valid_from=day,
                   valid_until=max_valid_until(day) + timedelta(days=1), insats=None,
                   granted_by=None, today=day)
    assert raised.value.field == "valid_until" and "högst två år" in str(raised.value)


def test_leap_day_start_still_gets_two_years(app: Flask) -> None:
    assert max_valid_until(date(2028, 2, 29)) == date(2030, 2, 28)


def test_an_expired_permission_gives_no_access(app: Flask) -> None:
    world = build_world()
    day = today()
    user = add_user(world.forbund_a, "old@t.example", "Gammal", Role.DELTAGARANSVARIG,
                    insatser=(world.insats_a1,))
    db.session.flush()
    grant = user.grants[0]
    grant.valid_from, grant.valid_until = day - timedelta(days=731), day - timedelta(days=1)
    db.session.flush()
    assert roles_on(user, day) == set()
    assert not can_view_insats(user, world.insats_a1, day)
    assert visible_insatser(user, day) == []
    assert roles_on(user, day - timedelta(days=2)) == {Role.DELTAGARANSVARIG}
    renewed = renew_grant(grant, granted_by=None, today=day)
    assert renewed.valid_from == day and can_view_insats(user, world.insats_a1, day)
    assert grant.revoked_at is not None  # the old one is kept as history


@pytest.mark.parametrize("blocking", [Role.SAMVERKANSADMIN, Role.INSATSANSVARIG])
def test_admin_roles_can_not_be_deltagaransvarig(app: Flask, blocking: Role) -> None:
    world = build_world()
    day = today()
    user = add_user(world.forbund_a, "x@t.example", "Xena Exempel", blocking)
    db.session.flush()
    with pytest.raises(RuleViolation) as raised:
        grant_role(user, Role.DELTAGARANSVARIG, valid_from=day, valid_until=None,
                   insats=world.insats_a1, granted_by=None, today=day)
    assert "kan därför inte vara deltagaransvarig" in str(raised.value)
    assert "Xena Exempel" in str(raised.value)


@pytest.mark.parametrize("role", [Role.SAMVERKANSADMIN, Role.INSATSANSVARIG])
def test_a_deltagaransvarig_can_not_become_admin(app: Flask, role: Role) -> None:
    world = build_world()
    day = today()
    user = world.users["deltagaransvarig"]
    with pytest.raises(RuleViolation, match="är deltagaransvarig"):
        grant_role(user, role, valid_from=day, valid_until=None, insats=None,
                   granted_by=None, today=day)
    # Rapport combines with everything.
    grant_role(user, Role.RAPPORT, valid_from=day, valid_until=None, insats=None,
               granted_by=None, today=day)


def test_an_employee_of_the_forbund_can_not_be_deltagaransvarig(app: Flask) -> None:
    world = build_world()
    day = today()
    employee = add_user(world.forbund_a, "emp@t.example", "Emma Anställd", employed=True)
    db.session.flush()
    with pytest.raises(RuleViolation, match="anställd på förbundet"):
        grant_role(employee, Role.DELTAGARANSVARIG, valid_from=day, valid_until=None,
                   insats=world.insats_a1, granted_by=None, today=day)


def test_a_revoked_blocking_role_no_longer_blocks(app: Flask) -> None:
    world = build_world()
    day = today()
    user = add_user(world.forbund_a, "y@t.example", "Ylva", Role.INSATSANSVARIG)
    db.session.flush()
    revoke_grant(user.grants[0])
    grant_role(user, Role.DELTAGARANSVARIG, valid_from=day, valid_until=None,
               insats=world.insats_a1, granted_by=None, today=day)
    assert roles_on(user, day) == {Role.DELTAGARANSVARIG}


def test_deltagaransvarig_only_for_own_forbund_and_not_for_volyminsats(app: Flask) -> None:
    world = build_world()
    day = today()
    user = add_user(world.forbund_a, "z@t.example", "Zack")
    volym = add_insats(world.forbund_a, "Volym", is_volyminsats=True)
    db.session.flush()
    for insats, message in ((world.insats_b1, "annat förbund"), (volym, "volyminsats")):
        with pytest.raises(RuleViolation, match=message):
            grant_role(user, Role.DELTAGARANSVARIG, valid_from=day, valid_until=None,
                       insats=insats, granted_by=None, today=day)


def test_the_database_refuses_a_second_live_grant_of_the_same_role(app: Flask) -> None:
    world = build_world()
    day = today()
    user = world.users["rapport"]
    with pytest.raises(RuleViolation, match="redan"):
        grant_role(user, Role.RAPPORT, valid_from=day, valid_until=None, insats=None,
                   granted_by=None, today=day)
    db.session.add(Grant(user=user, role=Role.RAPPORT.value, valid_from=day,
                         valid_until=day + timedelta(days=10)))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
