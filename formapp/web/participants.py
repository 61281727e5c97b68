"""Sök deltagare: an insats's participants, to open one or to deregister (FK 9449).

The search is a POST (with its CSRF token): what is typed is often a personnummer, and a GET
would put it in the URL, so in the access log of the server and of any proxy in front of it.
A GET shows the insats's participants without criteria."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from formapp.clock import today
from formapp.domain import kommuner
from formapp.records.access import can_register_participants
from formapp.records.models import Insats
from formapp.records.participants import (
    LIMIT,
    SORTS,
    STATUSES,
    Search,
    registration_years,
    search_participants,
    whole_personnummer,
)
from formapp.web.guards import get_or_404, require
from formapp.web.route_policy import officer_route
from formapp.web.view_audit import participants_listed

bp = Blueprint("participants", __name__)


def _year(value: str) -> int | None:
    return int(value) if value.isdecimal() and len(value) == 4 else None


def _search() -> Search:
    """The posted criteria; never the URL's (a GET searches nothing)."""
    if request.method != "POST":
        return Search()
    posted = request.form
    return Search(query=posted.get("q", "")[:100], start_year=_year(posted.get("inar", "")),
                  end_year=_year(posted.get("utar", "")),
                  status=posted.get("status", "") if posted.get("status") in STATUSES else "alla",
                  sort=posted.get("sort", "") if posted.get("sort") in SORTS else "personnummer",
                  descending=posted.get("ordning") == "fallande")


@bp.route("/insatser/<int:insats_id>/deltagare", methods=["GET", "POST"])
@officer_route
def search(insats_id: int) -> str:
    insats = get_or_404(Insats, insats_id)
    require(can_register_participants(current_user, insats, today()))
    criteria = _search()
    found = search_participants(insats, criteria)
    participants_listed(found, insats_id=insats.id, forbund_id=insats.forbund_id,
                        personnummer=whole_personnummer(criteria.query),
                        details={"text_query": bool(criteria.query.strip()),
                                 "start_year": criteria.start_year,
                                 "end_year": criteria.end_year, "status": criteria.status})
    return render_template("registration/search.html", insats=insats, search=criteria,
                           found=found, years=registration_years(insats), limit=LIMIT,
                           statuses=STATUSES, sorts=SORTS, kommun_name=_kommun_name)


def _kommun_name(code: str) -> str:
    return kommuner.kommun(code).name if kommuner.is_kommun(code) else code
