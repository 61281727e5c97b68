"""The start page: what the user may do today, and permissions about to expire."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import text

from formapp.clock import today
from formapp.extensions import db
from formapp.records.access import roles_on, visible_insatser
from formapp.records.accounts import live_grants
from formapp.web.route_policy import officer_route, public_route

bp = Blueprint("home", __name__)
EXPIRY_WARNING_DAYS = 60


@bp.route("/")
@officer_route
def index() -> str:
    day = today()
    grants = live_grants(current_user, day)
    expiring = [g for g in grants if g.valid_until - day <= timedelta(days=EXPIRY_WARNING_DAYS)]
    return render_template("home/index.html", grants=grants, expiring=expiring,
                           roles=roles_on(current_user, day),
                           insatser=visible_insatser(current_user, day), today=day)


@bp.route("/healthz")
@public_route
def health() -> tuple[dict[str, str], int]:
    """For load balancers: the app answers and the database is reachable."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}, 200
