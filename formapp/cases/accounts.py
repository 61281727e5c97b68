"""Users and their permissions (behörigheter), with SUS's rules:

- a permission lasts at most two years, then must be renewed;
- a samverkansadministratör, an insatsansvarig or an employee of the förbund can not be
  deltagaransvarig;
- deltagaransvarig is granted per insats, and only for insatser of the user's own förbund.

Every change is an audit entry naming who did it, the record and the fields that changed
(never a password or a personal value); removing a permission or closing an account ends the
user's open sessions (their session version moves on, so the user loader refuses the cookie).
The cases flush, the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from formapp.definitions.printable import unprintable_o
from formapp.domain.passwords import is_common
from formapp.extensions import db
from formapp.i18n import _lo
from formapp.records.accounts import (
    EXCLUDES_DELTAGARANSVARIG,
    ROLE_LABELS,
    live_grants,
    max_valid_until,
)
from formapp.records.audit import log_event
from formapp.records.errors import RuleViolation
from formapp.records.models import Forbund, Grant, Insats, Role, User
from formapp.records.passwords import MIN_LENGTH, hash_password


@dataclass(frozen=True)
class UserInput:
    email: str
    full_name: str
    password: str = ""  # empty on edit: keep the current password
    employed_by_forbund: bool = False
    is_active: bool = True
    is_system_admin: bool = False  # only when creating (formapp create-user --system-admin)


def check_password_strength(password: str, field: str = "password") -> None:
    """The one password policy: every way to set one (create-user, the admin pages, one's
    own change) comes through here."""
    if len(password) < MIN_LENGTH:
        raise RuleViolation(field, _lo("Lösenordet måste ha minst %(n)d tecken.", n=MIN_LENGTH))
    if password.strip() != password or len(set(password)) < 4:
        raise RuleViolation(field, _lo("Lösenordet är för enkelt; välj ett längre med fler olika "
                                       "tecken och utan mellanslag först eller sist."))
    if is_common(password):
        raise RuleViolation(field, _lo(
            "Lösenordet är för vanligt och lätt att gissa: det finns, med eller utan siffror, "
            "i listor över vanliga lösenord. Välj ett annat, gärna flera ord i följd."))


def save_user(forbund: Forbund | None, data: UserInput, user: User | None = None,
              *, today: date, by: User | None = None) -> User:
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

    new = user is None
    before = {} if user is None else _user_fields(user)
    user = user or User(forbund_id=forbund.id if forbund else None,
                        is_system_admin=data.is_system_admin)
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
    _log_user_saved(user, before, new=new, password=bool(data.password), by=by)
    return user


def _user_fields(user: User) -> dict[str, Any]:
    return {"email": user.email, "full_name": user.full_name,
            "employed_by_forbund": bool(user.employed_by_forbund),
            "is_active": bool(user.is_active)}


# Fields whose values the audit entry may carry: they say nothing about a person.
_PLAIN_VALUES = ("employed_by_forbund", "is_active")


def _log_user_saved(user: User, before: dict[str, Any], *, new: bool, password: bool,
                    by: User | None) -> None:
    after = _user_fields(user)
    changed = sorted(k for k in after if before.get(k) != after[k])
    details: dict[str, Any] = {"changed": changed + (["password"] if new and password else [])}
    details.update({k: after[k] for k in _PLAIN_VALUES if k in changed})
    if new:
        details["system_admin"] = bool(user.is_system_admin)
        log_event(actor=by, action="user.created", subject=f"user:{user.id}",
                  why="Skapade en användare", forbund_id=user.forbund_id,
                  details={**details, "changed": sorted(details["changed"])})
        return
    if changed:
        log_event(actor=by, action="user.changed", subject=f"user:{user.id}",
                  why="Ändrade en användare", forbund_id=user.forbund_id, details=details)
    if password:
        _log_password(user, by)


def _log_password(user: User, by: User | None) -> None:
    own = by is not None and by.id == user.id
    log_event(actor=by, action="user.password_changed" if own else "user.password_reset",
              subject=f"user:{user.id}",
              why="Bytte sitt lösenord" if own else "Satte ett nytt lösenord för användaren",
              forbund_id=user.forbund_id, details={"other_sessions_ended": True})


def set_password(user: User, password: str, *, field: str = "password",
                 by: User | None = None) -> None:
    """A new password for ``user``, by ``by`` (default: the user themselves); every other
    session of the user ends."""
    check_password_strength(password, field)
    user.password_hash = hash_password(password)
    user.session_version += 1
    db.session.flush()
    _log_password(user, by if by is not None else user)


def grant_role(user: User, role: Role, *, valid_from: date, valid_until: date | None,
               insats: Insats | None, granted_by: User | None, today: date,
               log: bool = True) -> Grant:
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
    if log:
        log_event(actor=granted_by, action="grant.added", subject=f"grant:{grant.id}",
                  why="Gav en behörighet", forbund_id=user.forbund_id,
                  details=_grant_details(grant))
    return grant


def _grant_details(grant: Grant) -> dict[str, Any]:
    return {"user_id": grant.user_id, "role": grant.role, "insats_id": grant.insats_id,
            "valid_from": grant.valid_from, "valid_until": grant.valid_until}


def revoke_grant(grant: Grant, *, by: User | None = None) -> None:
    """Remove a permission; the user's open sessions end (they held it until now)."""
    if grant.revoked_at is None:
        grant.revoked_at = datetime.now(UTC)
        grant.user.session_version = (grant.user.session_version or 0) + 1
        db.session.flush()
        log_event(actor=by, action="grant.revoked", subject=f"grant:{grant.id}",
                  why="Tog bort en behörighet", forbund_id=grant.user.forbund_id,
                  details=_grant_details(grant))


def renew_grant(grant: Grant, *, granted_by: User | None, today: date) -> Grant:
    """Replace ``grant`` with one running two years from today; the old one stays as history.
    The user keeps the permission throughout, so their sessions go on."""
    if grant.revoked_at is not None:
        raise RuleViolation("role", _lo("Behörigheten är borttagen och kan inte förnyas."))
    grant.revoked_at = datetime.now(UTC)
    db.session.flush()
    renewed = grant_role(grant.user, Role(grant.role), valid_from=today, valid_until=None,
                         insats=grant.insats, granted_by=granted_by, today=today, log=False)
    log_event(actor=granted_by, action="grant.renewed", subject=f"grant:{grant.id}",
              why="Förnyade en behörighet", forbund_id=grant.user.forbund_id,
              details={**_grant_details(renewed), "new_grant_id": renewed.id})
    return renewed
