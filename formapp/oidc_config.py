"""The organisations' identity providers (OpenID Connect) from ``FORMAPP_OIDC_*`` variables.

One provider without a prefix (key ``idp``)::

    FORMAPP_OIDC_ISSUER=https://login.region.example/realms/staff
    FORMAPP_OIDC_CLIENT_ID=formapp   FORMAPP_OIDC_CLIENT_SECRET=...

and more, one per förbund or organisation, named in ``FORMAPP_OIDC_PROVIDERS`` with their
variables under ``FORMAPP_OIDC_<KEY>_``: ``FORMAPP_OIDC_PROVIDERS=region,kommun`` reads
``FORMAPP_OIDC_REGION_ISSUER``, ``FORMAPP_OIDC_KOMMUN_ISSUER`` and so on. README: Sign-in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_KEY = "idp"
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TRUE = ("1", "true", "yes")


class OidcConfigError(RuntimeError):
    """An identity provider is misconfigured; the message names the variable."""


@dataclass(frozen=True)
class OidcProvider:
    key: str  # in URLs (/login/oidc/<key>) and in app_user.idp_provider
    label: str  # on the login button: "Logga in med <label>"
    issuer: str
    client_id: str
    client_secret: str
    claim: str = "sub"  # the claim that identifies the user (sub, email, an HSA-id claim)
    scopes: str = "openid email profile"
    mfa_acr: frozenset[str] = frozenset()  # acr values that mean a second factor was used
    mfa_amr: frozenset[str] = frozenset()  # amr values that do (RFC 8176: mfa, otp, hwk...)
    mfa_always: bool = False  # the IdP requires a second factor of everyone for formapp
    acr_values: str = ""  # asked for in the authorisation request (a step-up), if set
    forbund_id: int | None = None  # only users of this förbund sign in here
    create_users: bool = False  # an unknown subject becomes a user without permissions

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def asserts_second_factor(self, claims: Mapping[str, object]) -> bool:
        """Whether this login's ``acr``/``amr`` count as two-factor by the installation's
        rule."""
        if self.mfa_always:
            return True
        amr = claims.get("amr")
        amr_values = set(amr) if isinstance(amr, list) else set()
        return bool(str(claims.get("acr") or "") in self.mfa_acr
                    or amr_values & self.mfa_amr)


def _words(raw: str | None) -> frozenset[str]:
    return frozenset(w for w in re.split(r"[\s,]+", raw or "") if w)


def _provider(env: Mapping[str, str], key: str, prefix: str) -> OidcProvider:
    def get(name: str, default: str = "") -> str:
        return (env.get(prefix + name) or default).strip()

    for required in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET"):
        if not get(required):
            raise OidcConfigError(f"{prefix}{required} is required for identity provider {key!r}")
    issuer = get("ISSUER")
    if not issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise OidcConfigError(f"{prefix}ISSUER must be an https:// address, got {issuer!r}")
    forbund = get("FORBUND")
    if forbund and not forbund.isdigit():
        raise OidcConfigError(f"{prefix}FORBUND must be a förbund's number, got {forbund!r}")
    create = get("CREATE_USERS").lower() in _TRUE
    if create and not forbund:
        raise OidcConfigError(f"{prefix}CREATE_USERS needs {prefix}FORBUND: the förbund new "
                              "users belong to")
    scopes = get("SCOPES", "openid email profile")
    if "openid" not in scopes.split():
        raise OidcConfigError(f"{prefix}SCOPES must include openid")
    return OidcProvider(
        key=key, label=get("LABEL", "organisationens inloggning"), issuer=issuer,
        client_id=get("CLIENT_ID"), client_secret=get("CLIENT_SECRET"),
        claim=get("CLAIM", "sub"), scopes=scopes,
        mfa_acr=_words(get("MFA_ACR")), mfa_amr=_words(get("MFA_AMR")),
        mfa_always=get("MFA_ALWAYS").lower() in _TRUE, acr_values=get("ACR_VALUES"),
        forbund_id=int(forbund) if forbund else None, create_users=create)


def oidc_providers(env: Mapping[str, str]) -> tuple[OidcProvider, ...]:
    """Every configured provider; none when no ``FORMAPP_OIDC_*`` variable is set."""
    providers: list[OidcProvider] = []
    if env.get("FORMAPP_OIDC_ISSUER"):
        providers.append(_provider(env, DEFAULT_KEY, "FORMAPP_OIDC_"))
    for key in _words((env.get("FORMAPP_OIDC_PROVIDERS") or "").lower()):
        if not _KEY.match(key) or key == DEFAULT_KEY:
            raise OidcConfigError(f"FORMAPP_OIDC_PROVIDERS: {key!r} is not a usable name "
                                  "(lower-case letters, digits and _, not 'idp')")
        providers.append(_provider(env, key, f"FORMAPP_OIDC_{key.upper()}_"))
    return tuple(sorted(providers, key=lambda p: p.key))
