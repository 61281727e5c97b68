"""Users linked to a subject of an identity provider, by a samverkansadministratör.

No one links themselves: a subject nobody linked is refused at login, unless the provider is
configured to create users (then a user without permissions, in the provider's förbund, whom
an administrator then gives roles). Linking ends the user's sessions: from then on the
password no longer opens one. The cases flush, the caller commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from sqlalchemy import func, select

from formapp.extensions import db
from formapp.i18n import _lo
from formapp.oidc_config import OidcProvider
from formapp.records.audit import log_event
from formapp.records.errors import RuleViolation
from formapp.records.idp_links import linked_user
from formapp.records.models import User
from formapp.records.passwords import hash_password


def link_user(user: User, provider: OidcProvider, subject: str, *, by: User) -> None:
    subject = subject.strip()
    if not subject or len(subject) > 255:
        raise RuleViolation("subject", _lo("Ange användarens identitet hos "
                                           "identitetsleverantören (högst 255 tecken)."))
    if provider.forbund_id is not None and provider.forbund_id != user.forbund_id:
        raise RuleViolation("provider", _lo("Den identitetsleverantören är till för ett annat "
                                            "förbund."))
    other = linked_user(provider, subject)
    if other is not None and other.id != user.id:
        raise RuleViolation("subject", _lo("Den identiteten är redan kopplad till %(name)s.",
                                           name=other.full_name))
    changed = (user.idp_provider, user.idp_subject) != (provider.key, subject)
    user.idp_provider, user.idp_subject = provider.key, subject
    if changed:
        user.session_version = (user.session_version or 0) + 1
    db.session.flush()
    if changed:
        # The subject (an e-mail address or an HSA-id) is the person's: not in the trail.
        log_event(actor=by, action="user.idp_linked", subject=f"user:{user.id}",
                  why="Kopplade användaren till organisationens inloggning",
                  forbund_id=user.forbund_id,
                  details={"provider": provider.key, "claim": provider.claim,
                           "other_sessions_ended": True})


def unlink_user(user: User, *, by: User) -> None:
    if user.idp_provider is None and user.idp_subject is None:
        return
    provider_key = user.idp_provider
    user.idp_provider = user.idp_subject = None
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()
    log_event(actor=by, action="user.idp_unlinked", subject=f"user:{user.id}",
              why="Tog bort kopplingen till organisationens inloggning",
              forbund_id=user.forbund_id,
              details={"provider": provider_key, "other_sessions_ended": True})


def create_from_claims(provider: OidcProvider, subject: str,
                       claims: Mapping[str, object]) -> User | None:
    """A new user without permissions for an unknown subject, where the provider is
    configured to create them; None when the claims lack a usable e-mail or name."""
    email = str(claims.get("email") or "").strip().lower()
    name = " ".join(str(claims.get("name") or "").split())[:200]
    if not provider.create_users or provider.forbund_id is None or "@" not in email \
            or not name or len(subject) > 255:
        return None
    if db.session.scalar(select(User).where(func.lower(User.email) == email)) is not None:
        return None  # that address is someone's already: an administrator links them
    user = User(forbund_id=provider.forbund_id, email=email, full_name=name,
                # never typed: the user signs in at the provider
                password_hash=hash_password(secrets.token_urlsafe(32)),
                idp_provider=provider.key, idp_subject=subject)
    db.session.add(user)
    db.session.flush()
    log_event(actor=None, action="user.created_from_idp", subject=f"user:{user.id}",
              why="Skapade en användare utan behörigheter vid första inloggningen",
              forbund_id=user.forbund_id, details={"provider": provider.key})
    return user
