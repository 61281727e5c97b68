"""Store functions for users and their permissions (behörigheter), with SUS's rules:

- a permission lasts at most two years, then must be renewed;
- a samverkansadministratör, an insatsansvarig or an employee of the förbund can not be
  deltagaransvarig;
- deltagaransvarig is granted per insats, and only for insatser of the user's own förbund.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from formapp.definitions.printable import unprintable_o
from formapp.extensions import db
from formapp.i18n import _lo
from formapp.records.errors import RuleViolation
from formapp.records.models import Forbund, Grant, Insats, Role, User
from formapp.records.passwords import MIN_LENGTH, hash_password

ROLE_LABELS: dict[Role, object] = {
    Role.SAMVERKANSADMIN: _lo("Samverkansadministratör"),
    Role.INSATSANSVARIG: _lo("Insatsansvarig"),
    Role.DELTAGARANSVARIG: _lo("Deltagaransvarig"),
    Role.RAPPORT: _lo("Rapport"),
}
# Roles that exclude deltagaransvarig (SUS guide, "Behörigheter och roller i SUS").
EXCLUDES_DELTAGARANSVARIG = frozenset({Role.SAMVERKANSADMIN, Role.INSATSANSVARIG})


@dataclass(frozen=True)
class UserInput:
    email: str
    full_name: str
    password: str = ""  # empty on edit: keep the current password
    employed_by_forbund: bool = False
    is_active: bool = True


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise RuleViolation(field, _lo("Lösenordet måste ha minst %(n)d tecken.", n=MIN_LENGTH))
    if password.strip() != password or len(set(password)) < 4:
        raise RuleViolation(field, _lo("Lösenordet är för enkelt; välj ett längre med fler olika "
                                       "tecken och utan mellanslag först eller sist."))


def live_grants(user: User, on: date) -> list[Grant]:
    return [g for g in user.grants if g.is_live_on(on)]


def save_user(forbund: Forbund | None, data: UserInput, user: User | None = None,
              *, today: date) -> User:
    """Create or update a user of ``forbund`` (None: a system administrator)."""
    email = data.email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
        raise RuleViolation("email", _lo("Ange en giltig e-postadress, till exempel "
                                         "namn@forbund.se."))
    clash = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if clash is not None and clash is not user:
        raise RuleViolation("email", _lo("E-postadressen används redan av en annan användare."))
    full_name = " ".join(data.full_name.split())
    if not full_name:
        raise RuleViolation("full_name", _lo("Ange användarens namn."))
    if (unprintable := unprintable_o(full_name)) is not None:  # signs every PDF they make
        raise RuleViolation("full_name", unprintable)
    if user is None and not data.password:
        raise RuleViolation("password", _lo("Ange ett lösenord för den nya användaren."))
    if data.password:
        check_password_strength(data.password)
    if user is not None and data.employed_by_forbund and any(
            g.role == Role.DELTAGARANSVARIG for g in live_grants(user, today)):
        raise RuleViolation("employed_by_forbund", _lo(
            "En anställd på förbundet kan inte vara deltagaransvarig. Ta först bort "
            "användarens uppdrag som deltagaransvarig."))

    user = user or User(forbund_id=forbund.id if forbund else None)
    if data.password:
        user.password_hash = hash_password(data.password)
        user.session_version = (user.session_version or 0) + 1
    if user.is_active and not data.is_active:
        user.session_version = (user.session_version or 0) + 1  # ends open sessions
    user.email = email
    user.full_name = full_name
    user.employed_by_forbund = data.employed_by_forbund
    user.is_active = data.is_active
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str, *, field: str = "password") -> None:
    check_password_strength(password, field)
    user.password_hash = hash_password(password)
    user.session_version += 1
    db.session.flush()


def max_valid_until(valid_from: date) -> date:
    """The last day of a permission starting ``valid_from``: two years, then renewal."""
    try:
        return valid_from.replace(year=valid_from.year + 2) - timedelta(days=1)
    except ValueError:  # 29 February
        return valid_from.replace(year=valid_from.year + 2, day=28)


def grant_role(user: User, role: Role, *, valid_from: date, valid_until: date | None,
               insats: Insats | None, granted_by: User | None, today: date) -> Grant:
    """Give ``user`` a permission; refuses what SUS refuses, with a message at the field."""
    if user.forbund_id is None:
        raise RuleViolation("role", _lo("En systemadministratör har inga behörigheter i förbund."))
    if valid_from < today:
        raise RuleViolation("valid_from", _lo("En behörighet kan inte börja i det förflutna."))
    limit = max_valid_until(valid_from)
    valid_until = valid_until or limit
    if valid_until < valid_from:
        raise RuleViolation("valid_until", _lo("Slutdatum kan inte ligga före startdatum."))
    if valid_until > limit:
        raise RuleViolation("valid_until", _lo(
            "En behörighet gäller i högst två år, här till och med %(limit)s. "
            "Därefter förnyas den.", limit=limit.isoformat()))
    live = live_grants(user, today) + [g for g in user.grants
                                       if g.revoked_at is None and g.valid_from > today]
    if role == Role.DELTAGARANSVARIG:
        if insats is None:
            raise RuleViolation("insats_id", _lo("Välj insatsen användaren ska vara "
                                                 "deltagaransvarig för."))
        if insats.forbund_id != user.forbund_id:
            raise RuleViolation("insats_id", _lo("Insatsen hör till ett annat förbund."))
        if insats.is_volyminsats:
            raise RuleViolation("insats_id", _lo(
                "En volyminsats har inga deltagaransvariga: antalet registreras av "
                "insatsansvarig."))
        if user.employed_by_forbund:
            raise RuleViolation("role", _lo(
                "%(name)s är anställd på förbundet och kan därför inte vara deltagaransvarig.",
                name=user.full_name))
        blocking = [g for g in live if g.role in EXCLUDES_DELTAGARANSVARIG]
        if blocking:
            raise RuleViolation("role", _lo(
                "%(name)s är %(role)s och kan därför inte vara deltagaransvarig.",
                name=user.full_name, role=str(ROLE_LABELS[Role(blocking[0].role)]).lower()))
    else:
        insats = None
        if role in EXCLUDES_DELTAGARANSVARIG and any(
                g.role == Role.DELTAGARANSVARIG for g in live):
            raise RuleViolation("role", _lo(
                "%(name)s är deltagaransvarig och kan därför inte bli %(role)s. Ta först bort "
                "uppdragen som deltagaransvarig.",
                name=user.full_name, role=str(ROLE_LABELS[role]).lower()))
    if any(g.role == role and g.insats_id == (insats.id if insats else None) for g in live):
        raise RuleViolation("role", _lo("%(name)s har redan den behörigheten; förnya den i "
                                        "stället.", name=user.full_name))
    grant = Grant(user=user, role=role.value, insats=insats, valid_from=valid_from,
                  valid_until=valid_until, granted_by_id=granted_by.id if granted_by else None)
    db.session.add(grant)
    db.session.flush()
    return grant


def revoke_grant(grant: Grant) -> None:
    if grant.revoked_at is None:
        grant.revoked_at = datetime.now(UTC)
        db.session.flush()


def renew_grant(grant: Grant, *, granted_by: User | None, today: date) -> Grant:
    """Replace ``grant`` with one running two years from today; the old one stays as history."""
    if grant.revoked_at is not None:
        raise RuleViolation("role", _lo("Behörigheten är borttagen och kan inte förnyas."))
    revoke_grant(grant)
    return grant_role(grant.user, Role(grant.role), valid_from=today, valid_until=None,
                      insats=grant.insats, granted_by=granted_by, today=today)
