"""Signing in at the organisation's identity provider: OpenID Connect, authorisation code
flow with PKCE (S256), by Authlib.

Authlib keeps the ``state``, the ``nonce`` and the PKCE verifier in the session between the
redirect and the callback, checks the ``state``, exchanges the code (once: the provider refuses
a used one) and validates the ID token (signature, issuer, audience, expiry, nonce). formapp
then finds the user linked to the subject, refuses an unknown subject or a closed account, and
asks the installation's rule of the second factor of the token's ``acr``/``amr``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from joserfc.errors import JoseError
from requests import RequestException
from werkzeug.wrappers import Response

from formapp.cases.idp_links import create_from_claims
from formapp.clock import today
from formapp.extensions import db
from formapp.i18n import _o
from formapp.oidc_config import OidcProvider
from formapp.records.audit import log_event
from formapp.records.idp_links import linked_user
from formapp.records.sign_in import IDP, IDP_MFA, needs_second_factor, provider
from formapp.web.login_flow import login_and_redirect, safe_next
from formapp.web.route_policy import open_route
from formapp.web.session import current_login_session

bp = Blueprint("oidc", __name__)
_NEXT_KEY = "oidc_next"


def configure_oidc(app: Flask) -> None:
    """One Authlib client per configured provider; its metadata is read from the issuer's
    discovery document on first use."""
    oauth = OAuth(app)
    for idp in app.config.get("FORMAPP_OIDC_PROVIDERS") or ():
        oauth.register(name=idp.key, client_id=idp.client_id, client_secret=idp.client_secret,
                       server_metadata_url=idp.metadata_url,
                       client_kwargs={"scope": idp.scopes, "code_challenge_method": "S256",
                                      "timeout": 15})
    app.extensions["formapp_oauth"] = oauth


def _client(idp: OidcProvider) -> Any:
    return current_app.extensions["formapp_oauth"].create_client(idp.key)


@bp.route("/login/oidc/<key>")
@open_route
def start(key: str) -> Response | tuple[str, int]:
    idp = provider(key)
    if idp is None:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    session[_NEXT_KEY] = safe_next(request.args.get("next"))
    extra = {"acr_values": idp.acr_values} if idp.acr_values else {}
    try:
        return _client(idp).authorize_redirect(
            url_for("oidc.callback", key=idp.key, _external=True), **extra)
    except (AuthlibBaseError, RequestException, ValueError) as error:
        current_app.logger.error("identity provider %s unreachable: %s", idp.key, error)
        return _refused(idp, "unreachable", _o(
            "Det gick inte att nå %(name)s just nu. Försök igen om en stund.", name=idp.label))


@bp.route("/login/oidc/<key>/callback")
@open_route
def callback(key: str) -> Response | tuple[str, int]:
    idp = provider(key)
    if idp is None:
        abort(404)
    target = session.pop(_NEXT_KEY, None) or url_for("home.index")
    try:
        token = _client(idp).authorize_access_token()
        claims = _claims(idp, token)
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError) as error:
        # A wrong or reused state, a used code, an expired or forged ID token, an error
        # from the provider: nobody is logged in, and the reason goes to the log.
        reason = getattr(error, "error", None) or type(error).__name__
        current_app.logger.warning("login at %s refused: %s", idp.key, error)
        return _refused(idp, str(reason)[:60], _o(
            "Inloggningen via %(name)s kunde inte slutföras. Börja om från inloggningssidan.",
            name=idp.label))
    subject = str(claims.get(idp.claim) or "").strip()
    user = linked_user(idp, subject) if subject else None
    if user is None and subject:
        user = create_from_claims(idp, subject, claims)
    if user is None:
        return _refused(idp, "unknown_subject", _o(
            "Du är inloggad hos %(name)s men har inget konto i formapp. Be förbundets "
            "samverkansadministratör att koppla ditt konto.", name=idp.label))
    if not user.is_active or (idp.forbund_id is not None and user.forbund_id != idp.forbund_id):
        return _refused(idp, "inactive", _o(
            "Ditt konto i formapp är inte aktivt. Kontakta förbundets "
            "samverkansadministratör."), user_id=user.id)
    second_factor = idp.asserts_second_factor(token.get("userinfo") or {})
    if needs_second_factor(user, today()) and not second_factor:
        return _refused(idp, "no_second_factor", _o(
            "Din behörighet kräver inloggning med två faktorer (till exempel SITHS, BankID "
            "eller Freja eID), men %(name)s intygade bara en. Logga in igen med två faktorer.",
            name=idp.label), user_id=user.id)
    db.session.commit()
    return login_and_redirect(user, IDP_MFA if second_factor else IDP, safe_next(target),
                              id_token=token.get("id_token"))


def _claims(idp: OidcProvider, token: Mapping[str, Any]) -> dict[str, Any]:
    """The ID token's claims, with the userinfo endpoint's when the identifying claim is
    not in the ID token (many providers put only ``sub`` there)."""
    claims: dict[str, Any] = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        raise ValueError("no ID token in the token response")
    if idp.claim not in claims or "email" not in claims:
        more = dict(_client(idp).userinfo(token=token))
        if more.get("sub") != claims["sub"]:  # OIDC Core 5.3.2: must be the same subject
            raise ValueError("userinfo is of another subject")
        claims = {**more, **claims}
    return claims


def _refused(idp: OidcProvider, reason: str, message: object, *,
             user_id: int | None = None) -> tuple[str, int]:
    db.session.rollback()
    log_event(actor=None, action="login.idp_refused", subject=f"idp:{idp.key}",
              why="Inloggning via identitetsleverantör nekad",
              details={"provider": idp.key, "reason": reason, "user_id": user_id})
    db.session.commit()
    return render_template("auth/idp_refused.html", idp=idp, message=message), 403


def idp_logout_url() -> str | None:
    """Where to send the browser after this session ends: the provider's end-session
    endpoint (with the ID token as hint) for a session signed in there, when it has one."""
    login = current_login_session()
    user = current_user._get_current_object() if current_user.is_authenticated else None
    idp = provider(user.idp_provider) if user is not None else None
    if login is None or idp is None or not login.id_token or login.method not in (IDP, IDP_MFA):
        return None
    try:
        client = _client(idp)
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
        return str(client.create_logout_url(
            post_logout_redirect_uri=url_for("auth.login", _external=True),
            id_token_hint=login.id_token, client_id=idp.client_id)["url"])
    except (AuthlibBaseError, RequestException, ValueError) as error:
        current_app.logger.warning("no end-session at %s: %s", idp.key, error)
        return None
