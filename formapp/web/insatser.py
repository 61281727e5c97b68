"""Insatser: list, create, edit, and assign deltagaransvariga."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from formapp.cases.accounts import grant_role, revoke_grant
from formapp.cases.organisations import InsatsInput, save_insats
from formapp.clock import today
from formapp.domain import insatser as vocab
from formapp.extensions import db
from formapp.i18n import _o
from formapp.records.access import (
    can_edit_insatser,
    can_list_insatser,
    can_register_participants,
    can_register_volume,
    can_view_insats,
    deltagaransvariga,
    visible_insatser,
)
from formapp.records.consents import consents_for_insats
from formapp.records.errors import RuleViolation
from formapp.records.insats_participants import participant_page
from formapp.records.models import Grant, Insats, Role, User
from formapp.web.confirm import confirmation_page, confirmed
from formapp.web.guards import get_or_404, require, show_violation
from formapp.web.route_policy import officer_route
from formapp.web.view_audit import consents_listed, registrations_listed
from formapp.webforms.admin import AssignForm, ConfirmForm, InsatsForm

bp = Blueprint("insatser", __name__, url_prefix="/insatser")


@bp.route("/")
@officer_route
def index() -> str:
    day = today()
    require(can_list_insatser(current_user, day))
    show_all = request.args.get("visa") == "alla"
    insatser = visible_insatser(current_user, day)
    if not show_all:
        insatser = [i for i in insatser if i.end_date is None or i.end_date >= day]
    can_create = current_user.forbund_id is not None and can_edit_insatser(
        current_user, current_user.forbund_id, day)
    return render_template("insatser/index.html", insatser=insatser, show_all=show_all,
                           can_create=can_create, vocab=vocab)


def _input(form: InsatsForm) -> InsatsInput:
    return InsatsInput(
        name=form.name.data or "", description=form.description.data or "",
        start_date=form.start_date.data, end_date=form.end_date.data,
        kind=form.kind.data or "", inriktning=form.inriktning.data or "",
        finansieringsform=form.finansieringsform.data or "",
        is_volyminsats=form.is_volyminsats.data,
        prio_langtidssjukskrivna=form.prio_langtidssjukskrivna.data,
        prio_unga_aktivitetsersattning=form.prio_unga_aktivitetsersattning.data,
        prio_unga_funktionsnedsattning=form.prio_unga_funktionsnedsattning.data)


def _save(form: InsatsForm, insats: Insats | None) -> Response | None:
    if not form.validate_on_submit():
        return None
    forbund = insats.forbund if insats else current_user.forbund
    try:
        saved = save_insats(forbund, _input(form), insats)
    except RuleViolation as violation:
        show_violation(form, violation)
        return None
    db.session.commit()
    flash(_o("Insatsen %(name)s är sparad.", name=saved.name), "success")
    return redirect(url_for("insatser.show", insats_id=saved.id))


@bp.route("/new", methods=["GET", "POST"])
@officer_route
def new() -> str | Response:
    if current_user.forbund_id is None:
        abort(403)
    require(can_edit_insatser(current_user, current_user.forbund_id, today()))
    form = InsatsForm()
    return _save(form, None) or render_template("insatser/edit.html", form=form, insats=None)


@bp.route("/<int:insats_id>")
@officer_route
def show(insats_id: int) -> str:
    insats = get_or_404(Insats, insats_id)
    day = today()
    require(can_view_insats(current_user, insats, day))
    can_edit = can_edit_insatser(current_user, insats.forbund_id, day)
    assign_form = _assign_form(insats) if can_edit and not insats.is_volyminsats else None
    can_register = can_register_participants(current_user, insats, day)
    participants = waiting = None
    if can_register:
        raw_page = request.args.get("sida", "1")
        participants = participant_page(
            insats, int(raw_page) if raw_page.isdecimal() and len(raw_page) < 7 else 1)
        registrations_listed(participants.registrations, insats_id=insats.id,
                             forbund_id=insats.forbund_id, page=participants.page)
        # Consents signed but not yet used by a registration: the next step for each.
        waiting = [c for c in consents_for_insats(insats) if c.status == "active"]
        consents_listed(waiting, insats_id=insats.id, forbund_id=insats.forbund_id,
                        why="Samtycken som väntar på inregistrering")
    return render_template("insatser/show.html", insats=insats, vocab=vocab, can_edit=can_edit,
                           grants=deltagaransvariga(insats), assign_form=assign_form,
                           confirm=ConfirmForm(), today=day, can_register=can_register,
                           can_volume=can_register_volume(current_user, insats, day),
                           participants=participants, waiting=waiting)


@bp.route("/<int:insats_id>/edit", methods=["GET", "POST"])
@officer_route
def edit(insats_id: int) -> str | Response:
    insats = get_or_404(Insats, insats_id)
    require(can_edit_insatser(current_user, insats.forbund_id, today()))
    form = InsatsForm(obj=insats)
    return _save(form, insats) or render_template("insatser/edit.html", form=form,
                                                  insats=insats)


def _assign_form(insats: Insats) -> AssignForm:
    form = AssignForm()
    if request.method == "GET":
        form.valid_from.data = today()
    candidates = db.session.scalars(
        select(User).where(User.forbund_id == insats.forbund_id, User.is_active.is_(True))
        .order_by(User.full_name)).all()
    form.user_id.choices = [("", _o("Välj användare"))] + [
        (str(u.id), f"{u.full_name} ({u.email})") for u in candidates]
    return form


@bp.route("/<int:insats_id>/deltagaransvariga", methods=["POST"])
@officer_route
def assign(insats_id: int) -> str | tuple[str, int] | Response:
    insats = get_or_404(Insats, insats_id)
    day = today()
    require(can_edit_insatser(current_user, insats.forbund_id, day))
    form = _assign_form(insats)
    if form.validate_on_submit():
        user = db.session.get(User, int(form.user_id.data)) if form.user_id.data.isdigit() \
            else None
        if user is None or user.forbund_id != insats.forbund_id:
            form.user_id.errors.append(_o("Välj en användare i förbundet."))
        else:
            try:
                grant_role(user, Role.DELTAGARANSVARIG, valid_from=form.valid_from.data,
                           valid_until=form.valid_until.data, insats=insats,
                           granted_by=current_user, today=day)
            except RuleViolation as violation:
                if violation.field in ("role", "insats_id"):
                    violation.field = "user_id"
                show_violation(form, violation)
            else:
                db.session.commit()
                flash(_o("%(name)s är deltagaransvarig för insatsen.", name=user.full_name),
                      "success")
                return redirect(url_for("insatser.show", insats_id=insats.id))
    return render_template("insatser/show.html", insats=insats, vocab=vocab, can_edit=True,
                           grants=deltagaransvariga(insats), assign_form=form,
                           confirm=ConfirmForm(), today=day), 422


@bp.route("/<int:insats_id>/deltagaransvariga/<int:grant_id>/remove", methods=["POST"])
@officer_route
def unassign(insats_id: int, grant_id: int) -> Response | str:
    insats = get_or_404(Insats, insats_id)
    require(can_edit_insatser(current_user, insats.forbund_id, today()))
    grant = get_or_404(Grant, grant_id)
    if grant.insats_id != insats.id:
        abort(404)
    if ConfirmForm().validate_on_submit() and not confirmed():
        return confirmation_page(
            title=_o("Ta bort deltagaransvarig?"),
            message=_o("%(name)s är inte längre deltagaransvarig för %(insats)s och kan inte "
                       "registrera deltagare där. Behörigheten kan läggas till igen.",
                       name=grant.user.full_name, insats=insats.name),
            confirm_label=_o("Ja, ta bort"),
            action=url_for("insatser.unassign", insats_id=insats.id, grant_id=grant.id),
            cancel_url=url_for("insatser.show", insats_id=insats.id))
    if ConfirmForm().validate_on_submit():
        revoke_grant(grant, by=current_user)
        db.session.commit()
        flash(_o("%(name)s är inte längre deltagaransvarig för insatsen.",
                 name=grant.user.full_name), "success")
    return redirect(url_for("insatser.show", insats_id=insats.id))
