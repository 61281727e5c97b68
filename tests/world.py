"""A small world of two förbund, their insatser and one user per role, for tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from formapp.clock import today
from formapp.documents.consent import FK_TEXT
from formapp.domain import insatser as vocab
from formapp.extensions import db
from formapp.records.models import Forbund, Grant, Insats, Role, User
from formapp.records.passwords import hash_password

PASSWORD = "test-password-123"


@cache
def password_hash() -> str:
    """One real Argon2 hash for every test user: hashing costs ~0.1 s each."""
    return hash_password(PASSWORD)


@dataclass
class World:
    forbund_a: Forbund
    forbund_b: Forbund
    insats_a1: Insats  # the deltagaransvarig is assigned here
    insats_a2: Insats  # and not here
    insats_b1: Insats
    users: dict[str, User]
    target: User  # a plain user of förbund A that admins act on
    target_grant: Grant
    extra_assignment: Grant  # a second deltagaransvarig on A1, to remove in tests
    consent_id: str = ""  # set by tests that take a consent through the flow
    person_id: int = 0  # the person of that consent
    insats_volume: Insats | None = None  # a volyminsats of förbund A (counts only)
    registration_id: int = 0  # set by tests that register a participant (FK 9448)

    def email(self, who: str) -> str:
        return self.users[who].email


def add_user(forbund: Forbund | None, email: str, name: str, *roles: Role,
             insatser: tuple[Insats, ...] = (), system_admin: bool = False,
             employed: bool = False, valid_until: date | None = None) -> User:
    day = today()
    user = User(forbund=forbund, email=email, full_name=name, password_hash=password_hash(),
                is_system_admin=system_admin, employed_by_forbund=employed)
    db.session.add(user)
    for role in roles:
        for insats in (insatser if role == Role.DELTAGARANSVARIG else (None,)):
            db.session.add(Grant(user=user, role=role.value, insats=insats, valid_from=day,
                                 valid_until=valid_until or day + timedelta(days=365)))
    db.session.flush()
    return user


def add_insats(forbund: Forbund, name: str, **extra: object) -> Insats:
    insats = Insats(forbund=forbund, name=name, start_date=date(2024, 1, 1), end_date=None,
                    kind=vocab.INDIVIDINRIKTAD, inriktning="forberedande",
                    finansieringsform="finsam", **extra)
    db.session.add(insats)
    return insats


def build_world() -> World:
    # The test world signs consents in all 18 languages: FK 9443 has them all, formapp's own
    # text (the default of a new förbund) only those translated so far (issue 18).
    forbund_a = Forbund(name="Förbund A", consent_text=FK_TEXT)
    forbund_b = Forbund(name="Förbund B", consent_text=FK_TEXT)
    db.session.add_all([forbund_a, forbund_b])
    a1 = add_insats(forbund_a, "Insats A1")
    a2 = add_insats(forbund_a, "Insats A2")
    b1 = add_insats(forbund_b, "Insats B1")
    volume = add_insats(forbund_a, "Volym A", is_volyminsats=True)
    users = {
        "system_admin": add_user(None, "sys@t.example", "Sys Admin", system_admin=True),
        "samverkansadmin": add_user(forbund_a, "sam@t.example", "Sam Admin",
                                    Role.SAMVERKANSADMIN, employed=True),
        "insatsansvarig": add_user(forbund_a, "ins@t.example", "Ina Ansvarig",
                                   Role.INSATSANSVARIG),
        "deltagaransvarig": add_user(forbund_a, "del@t.example", "Del Ansvarig",
                                     Role.DELTAGARANSVARIG, insatser=(a1,)),
        "rapport": add_user(forbund_a, "rap@t.example", "Rap Port", Role.RAPPORT),
        "other_forbund_admin": add_user(forbund_b, "other@t.example", "Other Admin",
                                        Role.SAMVERKANSADMIN, Role.INSATSANSVARIG),
    }
    target = add_user(forbund_a, "target@t.example", "Tage Target", Role.RAPPORT)
    extra = add_user(forbund_a, "extra@t.example", "Extra Del", Role.DELTAGARANSVARIG,
                     insatser=(a1,))
    db.session.commit()
    return World(forbund_a, forbund_b, a1, a2, b1, users, target, target.grants[0],
                 extra.grants[0], insats_volume=volume)
