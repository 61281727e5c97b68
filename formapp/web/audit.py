"""The audit trail's search page for administrators: a system administrator searches every
förbund's entries, a samverkansadministratör those of their own förbund. Searching is itself
audited (and, when it names a person, found in that person's registerutdrag).

The criteria are posted, never in the URL (they may hold a personnummer): a GET shows the
newest entries, the search form, its pager and the chain check are buttons of one POST form."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select

from formapp.clock import today
from formapp.domain.personnummer import PersonnummerError, parse_personnummer
from formapp.extensions import db
from formapp.i18n import _o
from formapp.protection.lookup import audit_keys
from formapp.records.access import can_manage_users
from formapp.records.audit import log_event, verify_chain
from formapp.records.audit_events import event_label
from formapp.records.audit_search import AuditQuery, actions, search_audit
from formapp.records.models import Forbund
from formapp.web.guards import require
from formapp.web.route_policy import officer_route
from formapp.webforms.audit import AuditSearchForm, parsed_date

bp = Blueprint("audit", __name__)


def _scope() -> int | None:
    """The förbund whose entries the user may see; None: all (system administrator)."""
    if current_user.is_system_admin:
        return None
    require(can_manage_users(current_user, current_user.forbund_id, today()))
    return current_user.forbund_id


def _form(scope: int | None) -> AuditSearchForm:
    form = AuditSearchForm()
    # Sorted by what the officer reads, not by code.
    labelled = sorted(((a, str(event_label(a))) for a in actions(scope)),
                      key=lambda pair: pair[1].casefold())
    form.handelse.choices = [("", _o("Alla händelser")), *labelled]
    if scope is None:
        form.forbund.choices = [("", _o("Alla förbund"))] + [
            (str(f.id), f.name) for f in db.session.scalars(select(Forbund)
                                                             .order_by(Forbund.name))]
    else:
        del form.forbund
    return form


def _personnummer(form: AuditSearchForm) -> str | None:
    if not form.personnummer.data or form.personnummer.errors:
        return None
    try:
        return parse_personnummer(form.personnummer.data, today=today()).digits
    except PersonnummerError as exc:
        form.personnummer.errors = [*form.personnummer.errors, exc.message]
        return None


def _page_number() -> int:
    """The pager's page; the chain check stays on the page shown; a new search starts at 1."""
    raw = request.form.get("sida") or (request.form.get("denna_sida", "1")
                                       if request.form.get("kedja") == "1" else "1")
    return int(raw) if raw.isdecimal() and 0 < len(raw) < 7 else 1


@bp.route("/granskningslogg", methods=["GET", "POST"])
@officer_route
def search() -> str | tuple[str, int]:
    scope = _scope()
    form = _form(scope)
    posted = request.method == "POST"
    if posted:
        form.validate()  # the CSRF token is checked for every POST before the view
    digits = _personnummer(form) if posted else None
    if form.errors:
        return render_template("audit/search.html", form=form, result=None, chain=None), 422
    forbund_id = scope
    if scope is None and getattr(form, "forbund", None) is not None and form.forbund.data:
        forbund_id = int(form.forbund.data)
    query = AuditQuery(forbund_id=forbund_id,
                       person_keys=audit_keys(digits) if digits else None,
                       actor=" ".join((form.anvandare.data or "").split()),
                       action=form.handelse.data or "", date_from=parsed_date(form.fran),
                       date_to=parsed_date(form.till),
                       page=_page_number() if posted else 1)
    result = search_audit(query)
    chain = verify_chain() if request.form.get("kedja") == "1" else None
    log_event(actor=current_user, action="audit.searched", subject="audit_entry",
              why="Sökte i granskningsloggen", forbund_id=scope, personnummer=digits,
              details=_details(query, result.total, chain is not None))
    db.session.commit()
    return render_template("audit/search.html", form=form, result=result, chain=chain,
                           event_label=event_label)


def _details(query: AuditQuery, hits: int, whole_chain: bool) -> dict[str, Any]:
    # What was asked, without the personnummer itself (the entry's person key says whose).
    return {"forbund_id": query.forbund_id, "person": query.person_keys is not None,
            "actor": query.actor, "action": query.action,
            "from": query.date_from, "to": query.date_to, "page": query.page, "hits": hits,
            "whole_chain_checked": whole_chain}
