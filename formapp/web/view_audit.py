"""Every look at personal data goes into the audit trail: who (the logged-in user), when,
what (action and subject) and why (what the page is for).

A view records what it shows; the entries are written when the request ends, in a transaction
of their own, before the response leaves:

* not mid-request: a commit there also committed whatever the page had changed and flushed so
  far, so a page that failed afterwards left half a change behind (and the view, not the
  request, decided when its work became permanent);
* their own transaction, after the request's work is rolled back: whatever the page did not
  commit itself is never made permanent by the audit (a page's writes are committed by its
  store call), and the chain lock is held only for the append;
* also when the page failed: the data was loaded to be shown, so the look is logged;
* before the response leaves (``after_request``): if the entries can not be written the
  answer is the error page, never the data without its entry. ``teardown_request`` writes
  what an error that skipped ``after_request`` left.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g
from flask_login import current_user
from werkzeug.wrappers import Response

from formapp.extensions import db
from formapp.records.audit import log_event
from formapp.records.models import Consent, Registration, User

_PENDING = "formapp_view_audit"


@dataclass(frozen=True)
class _View:
    actor: User
    action: str
    subject: str
    why: str
    forbund_id: int | None
    personnummer: str | None
    details: Mapping[str, Any] | None


def record_view(*, action: str, subject: str, why: str, forbund_id: int | None,
                personnummer: str | None = None,
                details: Mapping[str, Any] | None = None) -> None:
    """Note a look at personal data; written when the request ends (see above)."""
    pending: list[_View] = g.setdefault(_PENDING, [])
    pending.append(_View(current_user._get_current_object(), action, subject, why, forbund_id,
                         personnummer, dict(details) if details is not None else None))


def _write(views: list[_View]) -> None:
    # The actors (loaded and unchanged) are kept out of the rollback's expiry, so writing their
    # entries does not read their rows again; a changed actor is rolled back like the rest.
    actors = [a for a in {id(v.actor): v.actor for v in views}.values()
              if a in db.session and not sa.inspect(a).modified]
    for actor in actors:
        db.session.expunge(actor)
    db.session.rollback()  # nothing the page left uncommitted goes in with the entries
    for actor in actors:
        db.session.add(actor)
    for view in views:
        log_event(actor=view.actor, action=view.action, subject=view.subject, why=view.why,
                  forbund_id=view.forbund_id, personnummer=view.personnummer,
                  details=view.details)
    db.session.commit()


def _write_with_the_response(response: Response) -> Response:
    views = g.pop(_PENDING, None)
    if views:
        _write(views)
    return response


def _write_after_an_error(_error: BaseException | None) -> None:
    views = g.pop(_PENDING, None)
    if not views:
        return
    try:
        _write(views)
    except Exception:  # the request is over: say so loudly, the answer was an error already
        db.session.rollback()
        current_app.logger.exception("view audit entries not written: %s",
                                     [view.action for view in views])


def configure_view_audit(app: Flask) -> None:
    app.after_request(_write_with_the_response)
    app.teardown_request(_write_after_an_error)


def registration_viewed(registration: Registration, action: str, why: str,
                        **details: Any) -> None:
    record_view(action=action, subject=f"registration:{registration.id}", why=why,
                forbund_id=registration.forbund_id,
                personnummer=registration.person.personnummer,
                details={"insats_id": registration.insats_id, **details})


def consent_viewed(consent: Consent, action: str, why: str) -> None:
    record_view(action=action, subject=f"consent:{consent.id}", why=why,
                forbund_id=consent.forbund_id, personnummer=consent.person.personnummer)


def consents_listed(consents: Iterable[Consent], *, insats_id: int, forbund_id: int,
                    why: str) -> None:
    """A list of consents with names (and personnummer) shown: which ones, not the names."""
    ids = [c.id for c in consents]
    if ids:
        record_view(action="consents.listed", subject=f"insats:{insats_id}", why=why,
                    forbund_id=forbund_id, details={"consent_ids": ids})


def participants_listed(registrations: Iterable[Registration], *, insats_id: int,
                        forbund_id: int, personnummer: str | None,
                        details: Mapping[str, Any]) -> None:
    """Sök deltagare's result: which participations were shown, and what was asked (a whole
    personnummer goes in as the person's key, never as text)."""
    record_view(action="participants.searched", subject=f"insats:{insats_id}",
                why="Sök deltagare", forbund_id=forbund_id, personnummer=personnummer,
                details={**details, "registration_ids": [r.id for r in registrations]})


def registrations_listed(registrations: Iterable[Registration], *, insats_id: int,
                         forbund_id: int, page: int) -> None:
    """The insats page's participant list (names and personnummer): which participations."""
    ids = [r.id for r in registrations]
    if ids:
        record_view(action="participants.listed", subject=f"insats:{insats_id}",
                    why="Insatsens deltagarlista", forbund_id=forbund_id,
                    details={"page": page, "registration_ids": ids})
