"""Sök deltagare: an insats's participants, to open one or to deregister (FK 9449)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

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
from formapp.web.view_audit import participants_listed

bp = Blueprint("participants", __name__)


def _year(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdecimal() and len(value) == 4 else None


def _search() -> Search:
    args = request.args
    return Search(query=args.get("q", "")[:100], start_year=_year("inar"),
                  end_year=_year("utar"),
                  status=args.get("status") if args.get("status") in STATUSES else "alla",
                  sort=args.get("sort") if args.get("sort") in SORTS else "personnummer",
                  descending=args.get("ordning") == "fallande")


@bp.route("/insatser/<int:insats_id>/deltagare")
@login_required
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
