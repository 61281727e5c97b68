"""Hand-over mode: while the participant holds the tablet, only participant pages answer.

The session remembers the consent being taken. Every other page redirects back to it until
the officer takes the tablet back with their password. Which pages are the participant's
is declared at each route (``formapp.web.route_policy``).
"""

from __future__ import annotations

from flask import Flask, redirect, request, session, url_for
from werkzeug.wrappers import Response

from formapp.i18n.selection import PARTICIPANT_SESSION_KEY
from formapp.web.route_policy import access_of

HANDOVER_KEY = "handover"


def start_handover(token: str) -> None:
    # Each participant starts from the language page in Swedish: nothing of the previous
    # participant's choice (their language, their script's direction) is shown to the next.
    session.pop(PARTICIPANT_SESSION_KEY, None)
    session[HANDOVER_KEY] = {"token": token}


def handover_state() -> dict | None:
    state = session.get(HANDOVER_KEY)
    return state if isinstance(state, dict) else None


def mark_signed(consent_id: str) -> None:
    session[HANDOVER_KEY] = {"consent": consent_id}


def end_handover() -> dict | None:
    session.pop(PARTICIPANT_SESSION_KEY, None)
    return session.pop(HANDOVER_KEY, None)


def _keep_participant_in_their_pages() -> Response | None:
    state = handover_state()
    # The routes a participant may reach say so themselves (route_policy: participant_route,
    # public_route); a request that matched no route is sent back too.
    access = access_of(request.endpoint)
    if state is None or (access is not None and access.during_handover):
        return None
    if "token" in state:
        return redirect(url_for("consent.language", token=state["token"]))
    return redirect(url_for("consent.done"))


def configure_handover(app: Flask) -> None:
    app.before_request(_keep_participant_in_their_pages)
