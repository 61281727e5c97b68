"""Response headers: a strict Content-Security-Policy (no inline script or style) and friends."""

from __future__ import annotations

from flask import Flask, Response, abort, request

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
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # Pages may show personal data: never store them in a shared tablet's cache.
    if request.endpoint != "static":
        headers.setdefault("Cache-Control", "no-store")
    return response


# The paper forms check every text answer for control characters themselves and say so at
# the field (formapp.definitions); every other form is guarded here.
FIELD_CHECKED_ENDPOINTS = frozenset({"registration.new", "registration.correct",
                                     "deregistration.new"})


def _refuse_nul() -> None:
    """A NUL character is never text anyone typed, and PostgreSQL can not store one: refuse
    the request before it reaches a form (a clear 400 instead of a database error)."""
    if request.endpoint in FIELD_CHECKED_ENDPOINTS:
        return
    for values in (request.args, request.form):
        for value in values.values():
            if "\x00" in value:
                abort(400)


def configure_security(app: Flask) -> None:
    app.before_request(_refuse_nul)
    app.after_request(_set_headers)
