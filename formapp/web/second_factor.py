"""The second factor: the code page of a login, TOTP enrolment (at a login that requires it,
or from one's own account page), recovery codes, and the hand-back PIN."""

from __future__ import annotations

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from formapp.cases.totp import begin_enrolment, confirm_enrolment, renew_recovery_codes, reset_totp
from formapp.clock import today
from formapp.extensions import db
from formapp.i18n import _o
from formapp.records.errors import RuleViolation
from formapp.records.handback_pin import set_pin
from formapp.records.login_throttle import clear_failures, is_locked, record_failure
from formapp.records.models import User
from formapp.records.sign_in import (
    RECOVERY,
    TOTP,
    has_totp,
    needs_second_factor,
    sign_in_label,
    signs_in_with_idp,
)
from formapp.records.totp import (
    check_code,
    provisioning_uri,
    remaining_recovery_codes,
    use_recovery_code,
)
from formapp.web.guards import show_violation
from formapp.web.login_flow import complete_login, drop_pending, pending_user
from formapp.web.route_policy import officer_route, open_route
from formapp.webforms.admin import ConfirmForm
from formapp.webforms.sign_in import CodeForm, EnrolForm, PinForm

bp = Blueprint("second_factor", __name__)


def qr_data_uri(uri: str) -> str:
    """The otpauth:// URI as a QR code, drawn here (no outside service sees the secret), as
    an SVG data URI: an <img>, which the CSP allows, never inline script."""
    return segno.make(uri, error="m").svg_data_uri(scale=6, border=4)


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@bp.route("/login/kod", methods=["GET", "POST"])
@open_route
def code() -> str | Response | tuple[str, int]:
    pending = pending_user()
    if pending is None:
        flash(_o("Inloggningen tog för lång tid. Börja om."), "info")
        return redirect(url_for("auth.login"))
    user, target = pending
    if not has_totp(user):
        return redirect(url_for("second_factor.enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        address = request.remote_addr or "unknown"
        if is_locked(user.email, address):
            form.code.errors.append(_o(
                "För många misslyckade inloggningar. Vänta %(minutes)d minuter och försök "
                "igen, eller be administratören om hjälp.",
                minutes=current_app.config["FORMAPP_LOGIN_LOCK_MINUTES"]))
            return render_template("auth/code.html", form=form), 429
        method = TOTP if check_code(user, form.code.data or "") else (
            RECOVERY if use_recovery_code(user, form.code.data or "") else None)
        if method is not None:
            clear_failures(user.email)
            complete_login(user, method)
            if method == RECOVERY:  # after the login: it starts a new session
                flash(_o("Du loggade in med en reservkod. Du har %(n)d kvar.",
                         n=remaining_recovery_codes(user)), "info")
            return redirect(target)
        record_failure(user.email, address)
        db.session.commit()
        form.code.errors.append(_o("Koden stämmer inte. Ta den som appen visar nu."))
        return render_template("auth/code.html", form=form), 422
    return render_template("auth/code.html", form=form)


@bp.route("/login/engangskoder", methods=["GET", "POST"])
@open_route
def enrol() -> str | Response | tuple[str, int]:
    """At a login that requires a second factor the account does not have yet."""
    pending = pending_user()
    if pending is None:
        return redirect(url_for("auth.login"))
    user, target = pending
    if has_totp(user):
        return redirect(url_for("second_factor.code"))
    form = EnrolForm()
    if form.validate_on_submit():
        codes = confirm_enrolment(user, form.code.data or "")
        if codes is not None:
            drop_pending()
            complete_login(user, TOTP)
            return render_template("auth/recovery_codes.html", codes=codes, target=target)
        db.session.commit()
        form.code.errors.append(_o("Koden stämmer inte. Kontrollera att telefonens klocka går "
                                   "rätt och ta koden som visas nu."))
        return _enrol_page(user, form, during_login=True), 422
    return _enrol_page(user, form, during_login=True)


def _enrol_page(user: User, form: EnrolForm, *, during_login: bool) -> str:
    secret = begin_enrolment(user)
    db.session.commit()
    return render_template("auth/enrol.html", form=form, qr=qr_data_uri(
        provisioning_uri(user, secret)), secret=_grouped(secret), during_login=during_login)


@bp.route("/konto/inloggning")
@officer_route
def account() -> str:
    return _account_page(current_user._get_current_object(), PinForm())


def _account_page(user: User, pin_form: PinForm) -> str:
    return render_template(
        "auth/account.html", label=sign_in_label(user), has_totp=has_totp(user),
        idp=signs_in_with_idp(user), required=needs_second_factor(user, today()),
        recovery_left=remaining_recovery_codes(user) if has_totp(user) else 0,
        has_pin=user.handback_pin_hash is not None, pin_form=pin_form, confirm=ConfirmForm())


@bp.route("/konto/engangskoder", methods=["GET", "POST"])
@officer_route
def account_enrol() -> str | Response | tuple[str, int]:
    user = current_user._get_current_object()
    if has_totp(user) or signs_in_with_idp(user):
        return redirect(url_for("second_factor.account"))
    form = EnrolForm()
    if form.validate_on_submit():
        codes = confirm_enrolment(user, form.code.data or "")
        db.session.commit()
        if codes is not None:
            return render_template("auth/recovery_codes.html", codes=codes,
                                   target=url_for("second_factor.account"))
        form.code.errors.append(_o("Koden stämmer inte. Kontrollera att telefonens klocka går "
                                   "rätt och ta koden som visas nu."))
        return _enrol_page(user, form, during_login=False), 422
    return _enrol_page(user, form, during_login=False)


@bp.route("/konto/reservkoder", methods=["POST"])
@officer_route
def account_recovery_codes() -> str | Response:
    user = current_user._get_current_object()
    if not ConfirmForm().validate_on_submit() or not has_totp(user):
        return redirect(url_for("second_factor.account"))
    codes = renew_recovery_codes(user)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes,
                           target=url_for("second_factor.account"))


@bp.route("/konto/engangskoder/av", methods=["POST"])
@officer_route
def account_disable() -> Response:
    user = current_user._get_current_object()
    if ConfirmForm().validate_on_submit() and has_totp(user):
        if needs_second_factor(user, today()):
            flash(_o("Din behörighet kräver engångskoder; de kan inte stängas av."), "error")
        else:
            reset_totp(user, by=user)
            db.session.commit()
            flash(_o("Engångskoderna är avstängda. Du har loggats ut."), "info")
    return redirect(url_for("second_factor.account"))


@bp.route("/konto/kod-for-surfplattan", methods=["POST"])
@officer_route
def account_pin() -> str | Response | tuple[str, int]:
    user = current_user._get_current_object()
    form = PinForm()
    if form.validate_on_submit():
        try:
            set_pin(user, form.pin.data or "")
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            db.session.commit()
            flash(_o("Koden för surfplattan är sparad."), "success")
            return redirect(url_for("second_factor.account"))
    return _account_page(user, form), 422
