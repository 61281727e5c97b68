"""Samverkansorganisationer: the system administrator creates them, their admins edit them."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from formapp.cases.consent_texts import Publication, publish_formapp_text
from formapp.cases.organisations import ForbundInput, save_forbund
from formapp.clock import today
from formapp.documents.consent import FORMAPP_TEXT
from formapp.extensions import db
from formapp.i18n import _o
from formapp.records.access import can_edit_forbund, can_manage_forbund_list
from formapp.records.consent_texts import forbund_texts, missing_controller_details
from formapp.records.errors import RuleViolation
from formapp.records.models import Forbund, User
from formapp.web.consent_texts import TEXT_NAMES
from formapp.web.guards import get_or_404, require, show_violation
from formapp.web.route_policy import officer_route
from formapp.webforms.admin import ForbundForm

bp = Blueprint("forbund", __name__, url_prefix="/forbund")


@bp.route("/")
@officer_route
def index() -> str:
    require(can_manage_forbund_list(current_user))
    forbund = db.session.scalars(select(Forbund).order_by(Forbund.name)).all()
    return render_template("forbund/index.html", forbund=forbund)


def _edit(form: ForbundForm, forbund: Forbund | None) -> Response | None:
    if not form.validate_on_submit():
        return None
    try:
        saved = save_forbund(ForbundInput(
            name=form.name.data or "", organisationsnummer=form.organisationsnummer.data or "",
            kommun_text=form.kommun_text.data or "", postadress=form.postadress.data or "",
            kontakt_epost=form.kontakt_epost.data or "",
            kontakt_telefon=form.kontakt_telefon.data or "",
            dataskyddsombud=form.dataskyddsombud.data or ""), forbund, by=current_user)
        publication = republish_if_used(saved, current_user)
    except RuleViolation as violation:
        show_violation(form, violation)
        return None
    db.session.commit()
    flash(_o("Förbundet %(name)s är sparat.", name=saved.name), "success")
    if publication is not None and publication.published:
        flash(_o("Samtyckestexten har fått en ny version (%(version)s). Tidigare samtycken "
                 "behåller sin version.", version=publication.binding.version), "info")
    return redirect(url_for("forbund.show", forbund_id=saved.id))


@bp.route("/new", methods=["GET", "POST"])
@officer_route
def new() -> str | Response:
    require(can_manage_forbund_list(current_user))
    form = ForbundForm()
    return _edit(form, None) or render_template("forbund/edit.html", form=form, forbund=None)


def republish_if_used(forbund: Forbund, by: User) -> Publication | None:
    """A förbund using formapp's text gets a new version when its details change (none
    while they are incomplete: its page says what is missing)."""
    if forbund.consent_text != FORMAPP_TEXT or missing_controller_details(forbund):
        return None
    return publish_formapp_text(
        forbund, retention_years=current_app.config["FORMAPP_RETENTION_YEARS"], by=by)


@bp.route("/<int:forbund_id>")
@officer_route
def show(forbund_id: int) -> str:
    forbund = get_or_404(Forbund, forbund_id)
    require(can_edit_forbund(current_user, forbund, today()))
    return render_template("forbund/show.html", forbund=forbund,
                           binding=forbund_texts(forbund).binding(),
                           missing=missing_controller_details(forbund),
                           text_names=TEXT_NAMES)


@bp.route("/<int:forbund_id>/edit", methods=["GET", "POST"])
@officer_route
def edit(forbund_id: int) -> str | Response:
    forbund = get_or_404(Forbund, forbund_id)
    require(can_edit_forbund(current_user, forbund, today()))
    form = ForbundForm(obj=forbund)
    return _edit(form, forbund) or render_template("forbund/edit.html", form=form,
                                                   forbund=forbund)
