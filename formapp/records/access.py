"""Who may see and do what. Every web route asks these; none decides on its own.

A user of one förbund never sees anything of another; a system administrator manages förbund
and their users but holds no role inside a förbund.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from formapp.extensions import db
from formapp.records.models import Forbund, Grant, Insats, Role, User


def roles_on(user: User, day: date) -> set[Role]:
    return {Role(g.role) for g in user.grants if g.is_live_on(day)}


def assigned_insats_ids(user: User, day: date) -> set[int]:
    return {g.insats_id for g in user.grants
            if g.role == Role.DELTAGARANSVARIG and g.is_live_on(day) and g.insats_id}


def can_manage_forbund_list(user: User) -> bool:
    return user.is_system_admin


def can_edit_forbund(user: User, forbund: Forbund, day: date) -> bool:
    return user.is_system_admin or (
        user.forbund_id == forbund.id and Role.SAMVERKANSADMIN in roles_on(user, day))


def can_publish_consent_texts(user: User, forbund: Forbund, day: date) -> bool:
    """A förbund's own consent text is its word as personuppgiftsansvarig: only its own
    samverkansadministratör publishes one, never the system administrator."""
    return (not user.is_system_admin and user.forbund_id == forbund.id
            and Role.SAMVERKANSADMIN in roles_on(user, day))


def can_manage_users(user: User, forbund_id: int | None, day: date) -> bool:
    if user.is_system_admin:
        return True
    return (forbund_id is not None and user.forbund_id == forbund_id
            and Role.SAMVERKANSADMIN in roles_on(user, day))


def can_edit_insatser(user: User, forbund_id: int, day: date) -> bool:
    return user.forbund_id == forbund_id and bool(
        roles_on(user, day) & {Role.SAMVERKANSADMIN, Role.INSATSANSVARIG})


def can_view_insats(user: User, insats: Insats, day: date) -> bool:
    if user.is_system_admin:
        return True
    if user.forbund_id != insats.forbund_id:
        return False
    roles = roles_on(user, day)
    if roles & {Role.SAMVERKANSADMIN, Role.INSATSANSVARIG, Role.RAPPORT}:
        return True
    return insats.id in assigned_insats_ids(user, day)


def can_list_insatser(user: User, day: date) -> bool:
    return user.is_system_admin or bool(roles_on(user, day))


def visible_insatser(user: User, day: date) -> list[Insats]:
    """The insatser ``user`` may see, by förbund then name."""
    query = select(Insats).join(Forbund).order_by(Forbund.name, Insats.name)
    if not user.is_system_admin:
        roles = roles_on(user, day)
        query = query.where(Insats.forbund_id == user.forbund_id)
        if not roles & {Role.SAMVERKANSADMIN, Role.INSATSANSVARIG, Role.RAPPORT}:
            query = query.where(Insats.id.in_(assigned_insats_ids(user, day) or {-1}))
    return list(db.session.scalars(query))


def deltagaransvariga(insats: Insats) -> list[Grant]:
    """The deltagaransvarig permissions on ``insats``, live and past."""
    return list(db.session.scalars(
        select(Grant).where(Grant.insats_id == insats.id, Grant.role == Role.DELTAGARANSVARIG)
        .order_by(Grant.revoked_at.is_not(None), Grant.valid_until.desc())))


def can_view_reports(user: User, day: date) -> bool:
    """The follow-up reports of the user's own förbund: Rapport, samverkansadministratör and
    insatsansvarig. A system administrator holds no role in a förbund and sees none."""
    return (not user.is_system_admin and user.forbund_id is not None and bool(
        roles_on(user, day) & {Role.SAMVERKANSADMIN, Role.INSATSANSVARIG, Role.RAPPORT}))


def can_export_identity(user: User, day: date) -> bool:
    """Personnummer and names in an export: only the samverkansadministratör, who answers for
    the förbund's register, and always with a reason that goes to the audit trail."""
    return (not user.is_system_admin and user.forbund_id is not None
            and Role.SAMVERKANSADMIN in roles_on(user, day))


def can_import_participants(user: User, insats: Insats, day: date) -> bool:
    """Moving records in registers personal data: as for one participant, only a
    deltagaransvarig assigned to the insats."""
    return can_register_participants(user, insats, day)


def can_register_participants(user: User, insats: Insats, day: date) -> bool:
    """Only a deltagaransvarig assigned to the insats handles its participants' personal data
    (SUS: samverkansadministratör and insatsansvarig can not)."""
    return (not insats.is_volyminsats and user.forbund_id == insats.forbund_id
            and insats.id in assigned_insats_ids(user, day))


def can_register_volume(user: User, insats: Insats, day: date) -> bool:
    """A volyminsats's counts are registered by an insatsansvarig of its förbund (SUS)."""
    return (insats.is_volyminsats and user.forbund_id == insats.forbund_id
            and Role.INSATSANSVARIG in roles_on(user, day))
