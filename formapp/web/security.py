"""Response headers: a strict Content-Security-Policy (no inline script or style) and friends."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request
from flask_wtf.csrf import CSRFError

from formapp.web.route_policy import checks_fields_itself

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


def _set_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Same-origin: the browser sends Origin (and Referer) to formapp itself, which the Origin
    # check below needs, and nothing to any other site. "no-referrer" made browsers send
    # "Origin: null" and no Referer, and behind HTTPS every form was refused.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # Pages may show personal data: never store them in a shared tablet's cache.
    if request.endpoint != "static":
        headers.setdefault("Cache-Control", "no-store")
    return response


def _refuse_nul() -> None:
    """A NUL character is never text anyone typed, and PostgreSQL can not store one: refuse
    the request before it reaches a form (a clear 400 instead of a database error). The paper
    forms check every text answer themselves and say so at the field (``checks_its_fields``)."""
    if checks_fields_itself(request.endpoint):
        return
    for values in (request.args, request.form):
        for value in values.values():
            if "\x00" in value:
                abort(400)


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _refuse_other_origins() -> None:
    """A form sent from another site is refused (OWASP: verify the origin with standard
    headers), on top of the CSRF token and SameSite cookies. Origin is checked when the
    browser sends one, else Referer; "null" or neither leaves it to the token, so a proxy
    or a privacy setting that drops them does not lock everyone out."""
    if request.method not in UNSAFE_METHODS:
        return
    own = _origin_of(request.host_url)
    origin = request.headers.get("Origin", "")
    claimed = origin if origin and origin != "null" else request.referrer or ""
    if claimed and _origin_of(claimed) != own:
        current_app.logger.warning(
            "refused %s %s: sent from %s, this site is %s (behind a proxy, set "
            "FORMAPP_TRUSTED_PROXIES and forward Host and X-Forwarded-Proto)",
            request.method, request.path, _origin_of(claimed), own)
        raise CSRFError("The request came from another origin.")


def configure_security(app: Flask) -> None:
    app.before_request(_refuse_nul)
    app.before_request(_refuse_other_origins)
    app.after_request(_set_headers)
