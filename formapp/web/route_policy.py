"""What a route declares about itself, read by the request hooks: who may reach it, whether its
form checks its own text, how large a body it takes.

Each declaration is a decorator on the view, next to ``@bp.route``, so a new route states its
policy where it is written instead of in a list of endpoint names elsewhere that can fall out
of step with it (one such list once missed ``deregistration.correct``). Every route must
declare who may reach it (``tests/web/test_route_policy.py``); one that does not is treated as
the strictest, an officer's page.

Who may reach a route (``Access``):

- ``public_route``: anyone, logged in or not, also while a participant holds the tablet (the
  stylesheet, fonts, the health check);
- ``open_route``: anyone, logged in or not, but not during a hand-over (login and its steps,
  the language switch);
- ``officer_route``: a logged-in user, not during a hand-over; which roles may do what with
  which record the view asks ``records.access`` (a förbund's, an insats's own rules);
- ``participant_route``: the participant's pages during a hand-over (on the officer's logged-in
  tablet) and their audio, also reached by the officer outside one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

import flask_login
from flask import Flask, current_app, request
from flask_login import current_user
from werkzeug.wrappers import Response

F = TypeVar("F", bound=Callable[..., Any])

_ACCESS_ATTR = "formapp_access"
_FIELDS_CHECKED_ATTR = "formapp_checks_its_fields"
_BODY_ATTR = "formapp_larger_body"


class Access(Enum):
    PUBLIC = "public"
    OPEN = "open"
    OFFICER = "officer"
    PARTICIPANT = "participant"

    @property
    def needs_login(self) -> bool:
        return self in (Access.OFFICER, Access.PARTICIPANT)

    @property
    def during_handover(self) -> bool:
        return self in (Access.PUBLIC, Access.PARTICIPANT)


@dataclass(frozen=True)
class LargerBody:
    """A body larger than ``FORMAPP_MAX_UPLOAD_BYTES``: the setting that says how large, and
    room over it so that a file just too big reaches its form and gets the message there."""
    setting: str
    room: int = 0


def _declare(view: F, attr: str, value: object) -> F:
    setattr(view, attr, value)
    return view


def public_route(view: F) -> F:
    return _declare(view, _ACCESS_ATTR, Access.PUBLIC)


def open_route(view: F) -> F:
    return _declare(view, _ACCESS_ATTR, Access.OPEN)


def officer_route(view: F) -> F:
    return _declare(view, _ACCESS_ATTR, Access.OFFICER)


def participant_route(view: F) -> F:
    return _declare(view, _ACCESS_ATTR, Access.PARTICIPANT)


def checks_its_fields(view: F) -> F:
    """The page checks every text answer for control characters itself and says so at the
    field (the paper forms, formapp.definitions): the blanket NUL refusal leaves it alone."""
    return _declare(view, _FIELDS_CHECKED_ATTR, True)


def larger_body(setting: str, room: int = 0) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        return _declare(view, _BODY_ATTR, LargerBody(setting, room))
    return decorate


def _view(endpoint: str | None) -> Callable[..., Any] | None:
    return current_app.view_functions.get(endpoint) if endpoint else None


def declared_access(endpoint: str) -> Access | None:
    """What the route declares, or None if it declares nothing."""
    access = getattr(_view(endpoint), _ACCESS_ATTR, None)
    return access if isinstance(access, Access) else None


def access_of(endpoint: str | None) -> Access | None:
    """Who may reach this request's route; None when no route matched (its 404 or 405 is
    answered as it is). A route that declares nothing is an officer's page."""
    if endpoint is None or _view(endpoint) is None:
        return None
    return declared_access(endpoint) or Access.OFFICER


def checks_fields_itself(endpoint: str | None) -> bool:
    return bool(getattr(_view(endpoint), _FIELDS_CHECKED_ATTR, False))


def larger_body_of(endpoint: str | None) -> LargerBody | None:
    body = getattr(_view(endpoint), _BODY_ATTR, None)
    return body if isinstance(body, LargerBody) else None


def _require_login() -> Response | None:
    """Flask-Login's ``login_required``, for every route whose policy needs a login. Registered
    after the other hooks, so it comes where the decorator on the view came: after the CSRF,
    origin and NUL checks and the hand-over redirect."""
    access = access_of(request.endpoint)
    if access is None or not access.needs_login or current_user.is_authenticated:
        return None
    if request.method in flask_login.config.EXEMPT_METHODS \
            or current_app.config.get("LOGIN_DISABLED"):
        return None
    return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]


def _public_static(app: Flask) -> None:
    """Flask's own ``static`` route is public: the stylesheet and scripts of every page."""
    if "static" in app.view_functions:
        def static(filename: str) -> Response:
            return app.send_static_file(filename)
        app.view_functions["static"] = public_route(static)


def configure_route_policy(app: Flask) -> None:
    """Call after every other ``before_request`` hook is registered (see ``_require_login``)."""
    _public_static(app)
    app.before_request(_require_login)
