"""Users of a förbund and their permissions, managed by its samverkansadministratör."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from formapp.cases.accounts import UserInput, grant_role, renew_grant, revoke_grant, save_user
from formapp.cases.idp_links import link_user, unlink_user
from formapp.cases.totp import reset_totp
from formapp.clock import today
from formapp.extensions import db
from formapp.i18n import _o
from formapp.records.access import can_manage_users
from formapp.records.accounts import ROLE_LABELS
from formapp.records.errors import RuleViolation
from formapp.records.models import Forbund, Grant, Insats, Role, User
from formapp.records.sign_in import METHOD_LABELS, has_totp, provider, providers, sign_in_label
from formapp.web.confirm import confirmation_page, confirmed
from formapp.web.guards import get_or_404, require, show_violation
from formapp.web.route_policy import officer_route
from formapp.webforms.admin import ConfirmForm, GrantForm, UserForm
from formapp.webforms.sign_in import IdpLinkForm

bp = Blueprint("users", __name__)


@bp.route("/forbund/<int:forbund_id>/users/")
@officer_route
def index(forbund_id: int) -> str:
    forbund = get_or_404(Forbund, forbund_id)
    require(can_manage_users(current_user, forbund.id, today()))
    users = db.session.scalars(select(User).where(User.forbund_id == forbund.id)
                               .order_by(User.full_name)).all()
    return render_template("users/index.html", forbund=forbund, users=users, today=today(),
                           sign_in_label=sign_in_label, METHOD_LABELS=METHOD_LABELS)


@bp.route("/forbund/<int:forbund_id>/users/new", methods=["GET", "POST"])
@officer_route
def new(forbund_id: int) -> str | Response:
    forbund = get_or_404(Forbund, forbund_id)
    require(can_manage_users(current_user, forbund.id, today()))
    form = UserForm()
    return _save(form, forbund, None) or render_template(
        "users/edit.html", form=form, forbund=forbund, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@officer_route
def edit(user_id: int) -> str | tuple[str, int] | Response:
    user = get_or_404(User, user_id)
    require(can_manage_users(current_user, user.forbund_id, today()))
    form = UserForm(obj=user)
    if request.method == "GET":
        form.password.data = ""
    if user.id == current_user.id and request.method == "POST" and not form.is_active.data:
        form.is_active.errors = [_o("Du kan inte stänga ditt eget konto.")]
        return _render_user(user, form), 422
    return _save(form, user.forbund, user) or _render_user(user, form)


def _render_user(user: User, form: UserForm, grant_form: GrantForm | None = None,
                 idp_form: IdpLinkForm | None = None) -> str:
    return render_template("users/edit.html", form=form, forbund=user.forbund, user=user,
                           grant_form=grant_form or _grant_form(user), confirm=ConfirmForm(),
                           idp_form=idp_form or _idp_form(user), sign_in=sign_in_label(user),
                           has_totp=has_totp(user), today=today())


def _idp_form(user: User) -> IdpLinkForm | None:
    """The providers this user may be linked to (those of their förbund or of everyone)."""
    choices = [(p.key, p.label) for p in providers()
               if p.forbund_id is None or p.forbund_id == user.forbund_id]
    if not choices:
        return None
    form = IdpLinkForm(prefix="idp")
    form.provider.choices = choices
    if request.method == "GET" and user.idp_provider:
        form.provider.data, form.subject.data = user.idp_provider, user.idp_subject
    return form


@bp.route("/users/<int:user_id>/idp", methods=["POST"])
@officer_route
def link_idp(user_id: int) -> str | Response | tuple[str, int]:
    user = get_or_404(User, user_id)
    require(can_manage_users(current_user, user.forbund_id, today()))
    form = _idp_form(user)
    if form is None:
        abort(404)
    if form.validate_on_submit():
        idp = provider(form.provider.data)
        try:
            if idp is None:
                raise RuleViolation("provider", _o("Välj en identitetsleverantör."))
            link_user(user, idp, form.subject.data or "", by=current_user)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            db.session.commit()
            if user.id == current_user.id:
                login_user(current_user._get_current_object())
            flash(_o("%(name)s loggar nu in med %(idp)s.", name=user.full_name,
                     idp=idp.label), "success")
            return redirect(url_for("users.edit", user_id=user.id))
    return _render_user(user, UserForm(obj=user), idp_form=form), 422


@bp.route("/users/<int:user_id>/idp/remove", methods=["POST"])
@officer_route
def unlink_idp(user_id: int) -> Response:
    user = get_or_404(User, user_id)
    require(can_manage_users(current_user, user.forbund_id, today()))
    if ConfirmForm().validate_on_submit() and user.idp_provider:
        unlink_user(user, by=current_user)
        db.session.commit()
        flash(_o("%(name)s loggar nu in med lösenord.", name=user.full_name), "success")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.route("/users/<int:user_id>/totp/reset", methods=["POST"])
@officer_route
def reset_user_totp(user_id: int) -> str | Response:
    user = get_or_404(User, user_id)
    require(can_manage_users(current_user, user.forbund_id, today()))
    if not ConfirmForm().validate_on_submit() or not has_totp(user):
        return redirect(url_for("users.edit", user_id=user.id))
    if not confirmed():
        return confirmation_page(
            title=_o("Återställa engångskoderna?"),
            message=_o("%(name)s loggas ut, och appens koder och reservkoderna slutar gälla. "
                       "Vid nästa inloggning kopplar %(name)s en app på nytt.",
                       name=user.full_name),
            confirm_label=_o("Ja, återställ"),
            action=url_for("users.reset_user_totp", user_id=user.id),
            cancel_url=url_for("users.edit", user_id=user.id))
    reset_totp(user, by=current_user)
    db.session.commit()
    flash(_o("Engångskoderna för %(name)s är återställda.", name=user.full_name), "success")
    return redirect(url_for("users.edit", user_id=user.id))


def _save(form: UserForm, forbund: Forbund | None, user: User | None) -> Response | None:
    if not form.validate_on_submit():
        return None
    try:
        saved = save_user(forbund, UserInput(
            email=form.email.data or "", full_name=form.full_name.data or "",
            password=form.password.data or "", employed_by_forbund=form.employed_by_forbund.data,
            is_active=form.is_active.data), user, today=today(), by=current_user)
    except RuleViolation as violation:
        show_violation(form, violation)
        return None
    db.session.commit()
    flash(_o("Användaren %(name)s är sparad.", name=saved.full_name), "success")
    return redirect(url_for("users.edit", user_id=saved.id))


def _grant_form(user: User) -> GrantForm | None:
    if user.forbund_id is None:
        return None
    form = GrantForm(prefix="grant")
    if request.method == "GET":
        form.valid_from.data = today()
    insatser = db.session.scalars(select(Insats).where(
        Insats.forbund_id == user.forbund_id, Insats.is_volyminsats.is_(False))
        .order_by(Insats.name)).all()
    form.insats_id.choices = [("", _o("Ingen (hela förbundet)"))] + [
        (str(i.id), i.name) for i in insatser]
    return form


@bp.route("/users/<int:user_id>/grants", methods=["POST"])
@officer_route
def add_grant(user_id: int) -> str | Response | tuple[str, int]:
    user = get_or_404(User, user_id)
    day = today()
    require(can_manage_users(current_user, user.forbund_id, day))
    form = _grant_form(user)
    if form is None:
        abort(404)
    if form.validate_on_submit():
        insats = None
        if form.insats_id.data:
            insats = db.session.get(Insats, int(form.insats_id.data)) \
                if form.insats_id.data.isdigit() else None
            if insats is None or insats.forbund_id != user.forbund_id:
                form.insats_id.errors = [_o("Välj en insats i förbundet.")]
                return _render_user(user, UserForm(obj=user), form), 422
        try:
            grant_role(user, Role(form.role.data), valid_from=form.valid_from.data,
                       valid_until=form.valid_until.data, insats=insats,
                       granted_by=current_user, today=day)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            db.session.commit()
            flash(_o("Behörigheten är tillagd."), "success")
            return redirect(url_for("users.edit", user_id=user.id))
    return _render_user(user, UserForm(obj=user), form), 422


def _grant_of_manageable_user(grant_id: int) -> Grant:
    grant = get_or_404(Grant, grant_id)
    require(can_manage_users(current_user, grant.user.forbund_id, today()))
    return grant


@bp.route("/grants/<int:grant_id>/revoke", methods=["POST"])
@officer_route
def revoke(grant_id: int) -> Response | str:
    grant = _grant_of_manageable_user(grant_id)
    if grant.user_id == current_user.id and grant.role == Role.SAMVERKANSADMIN:
        # Nobody locks themselves out; another administrator (or the system admin) can.
        flash(_o("Du kan inte ta bort din egen behörighet som samverkansadministratör."), "error")
    elif ConfirmForm().validate_on_submit() and not confirmed():
        where = f" ({grant.insats.name})" if grant.insats else ""
        return confirmation_page(
            title=_o("Ta bort behörigheten?"),
            message=_o("%(name)s förlorar behörigheten %(role)s%(insats)s och loggas ut. "
                       "Behörigheten kan läggas till igen.", name=grant.user.full_name,
                       role=ROLE_LABELS[Role(grant.role)],
                       insats=where),
            confirm_label=_o("Ja, ta bort behörigheten"),
            action=url_for("users.revoke", grant_id=grant.id),
            cancel_url=url_for("users.edit", user_id=grant.user_id))
    elif ConfirmForm().validate_on_submit():
        revoke_grant(grant, by=current_user)  # ends the user's sessions
        db.session.commit()
        if grant.user_id == current_user.id:
            login_user(current_user._get_current_object())  # but not the one doing it
        flash(_o("Behörigheten är borttagen."), "success")
    return redirect(url_for("users.edit", user_id=grant.user_id))


@bp.route("/grants/<int:grant_id>/renew", methods=["POST"])
@officer_route
def renew(grant_id: int) -> Response:
    grant = _grant_of_manageable_user(grant_id)
    if ConfirmForm().validate_on_submit():
        try:
            renewed = renew_grant(grant, granted_by=current_user, today=today())
        except RuleViolation as violation:
            db.session.rollback()
            flash(str(violation.message), "error")
        else:
            db.session.commit()
            flash(_o("Behörigheten är förnyad till och med %(day)s.",
                     day=renewed.valid_until.isoformat()), "success")
    return redirect(url_for("users.edit", user_id=grant.user_id))
