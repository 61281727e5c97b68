"""How a user signs in, and the rule of the second factor (issue 20).

A login is made one of these ways; the login session and the user keep which. A role that
sees personal data (samverkansadministratör, insatsansvarig, deltagaransvarig) and a system
administrator (who gives those roles) must sign in with a second factor when the installation
requires it (always in production, FORMAPP_REQUIRE_SECOND_FACTOR): TOTP, a recovery code, or
an identity provider whose ``acr``/``amr`` count as two-factor.
"""

from __future__ import annotations

from datetime import date

from flask import current_app

from formapp.i18n import _lo
from formapp.oidc_config import OidcProvider
from formapp.records.access import roles_on
from formapp.records.models import Role, User

PASSWORD = "password"
TOTP = "totp"
RECOVERY = "recovery"
IDP = "idp"
IDP_MFA = "idp_mfa"
SECOND_FACTOR_METHODS = frozenset({TOTP, RECOVERY, IDP_MFA})
METHOD_LABELS = {
    PASSWORD: _lo("Lösenord"),
    TOTP: _lo("Lösenord och engångskod"),
    RECOVERY: _lo("Lösenord och reservkod"),
    IDP: _lo("Organisationens inloggning"),
    IDP_MFA: _lo("Organisationens inloggning med två faktorer"),
}
PERSONAL_DATA_ROLES = frozenset({Role.SAMVERKANSADMIN, Role.INSATSANSVARIG,
                                 Role.DELTAGARANSVARIG})


def providers() -> tuple[OidcProvider, ...]:
    return tuple(current_app.config.get("FORMAPP_OIDC_PROVIDERS") or ())


def provider(key: str | None) -> OidcProvider | None:
    return next((p for p in providers() if p.key == key), None)


def needs_second_factor(user: User, day: date) -> bool:
    """Whether ``user`` may only be signed in with a second factor (on ``day``)."""
    if not current_app.config.get("FORMAPP_REQUIRE_SECOND_FACTOR"):
        return False
    return bool(user.is_system_admin or roles_on(user, day) & PERSONAL_DATA_ROLES)


def signs_in_with_idp(user: User) -> bool:
    """Linked to a configured identity provider: the password does not open a session."""
    return bool(user.idp_provider and user.idp_subject and provider(user.idp_provider))


def has_totp(user: User) -> bool:
    return user.totp_secret is not None and user.totp_enabled_at is not None


def sign_in_label(user: User) -> str:
    """How ``user`` signs in, for the Användare page."""
    if user.idp_provider and user.idp_subject:
        known = provider(user.idp_provider)
        return str(_lo("Organisationens inloggning (%(name)s)",
                       name=known.label if known else user.idp_provider))
    if has_totp(user):
        return str(_lo("Lösenord och engångskod (TOTP)"))
    return str(_lo("Endast lösenord"))
