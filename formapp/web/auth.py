"""Log in, log out, change one's own password."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from formapp.cases.accounts import set_password
from formapp.clock import today
from formapp.extensions import db
from formapp.i18n import _o
from formapp.records.errors import RuleViolation
from formapp.records.login_sessions import LOGOUT, PASSWORD_CHANGED, end_other_sessions
from formapp.records.login_throttle import clear_failures, is_locked, record_failure
from formapp.records.models import User
from formapp.records.passwords import hash_password, needs_rehash, verify_password
from formapp.records.sign_in import (
    PASSWORD,
    has_totp,
    needs_second_factor,
    provider,
    providers,
    signs_in_with_idp,
)
from formapp.web.guards import show_violation
from formapp.web.login_flow import begin_pending, login_and_redirect, safe_next
from formapp.web.oidc import idp_logout_url
from formapp.web.route_policy import officer_route, open_route
from formapp.web.session import SESSION_KEY, finish_login_session
from formapp.webforms.admin import ConfirmForm, LoginForm, PasswordChangeForm

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@open_route
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        address = request.remote_addr or "unknown"
        if is_locked(email, address):
            # The same answer whether or not the password is right: guessing gets nowhere.
            form.password.errors.append(_o(
                "För många misslyckade inloggningar. Vänta %(minutes)d minuter och försök "
                "igen, eller be administratören om hjälp.",
                minutes=current_app.config["FORMAPP_LOGIN_LOCK_MINUTES"]))
            return _login_page(form), 429
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if verify_password(user.password_hash if user else None, form.password.data) \
                and user is not None and user.is_active:
            clear_failures(email)
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            db.session.commit()
            return _after_password(user, form)
        record_failure(email, address)
        db.session.commit()
        form.password.errors.append(_o("Fel e-postadress eller lösenord, eller kontot är "
                                       "inte aktivt."))
    return _login_page(form)


def _login_page(form: LoginForm) -> str:
    return render_template("auth/login.html", form=form, providers=providers(),
                           next_path=request.args.get("next") or "")


def _after_password(user: User, form: LoginForm) -> str | Response:
    """The password was right: the session, or the second factor first."""
    target = safe_next(request.args.get("next"))
    linked = provider(user.idp_provider) if signs_in_with_idp(user) else None
    if linked is not None:
        # Their organisation ends their access there; a password here must not outlive it.
        form.password.errors.append(_o("Ditt konto loggar in med %(name)s. Använd knappen "
                                       "för det.", name=linked.label))
        return _login_page(form)
    if has_totp(user):
        begin_pending(user, target)
        return redirect(url_for("second_factor.code"))
    if needs_second_factor(user, today()):
        begin_pending(user, target)
        return redirect(url_for("second_factor.enrol"))
    return login_and_redirect(user, PASSWORD, target)


@bp.route("/logout", methods=["POST"])
@open_route
def logout() -> Response:
    form = ConfirmForm()
    if form.validate_on_submit():
        # The identity provider's session too, when it has an end-session endpoint.
        provider_logout = idp_logout_url()
        finish_login_session(LOGOUT)
        flash(_o("Du är utloggad."), "info")
        if provider_logout:
            return redirect(provider_logout)
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@officer_route
def change_password() -> str | Response:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_o("Det nuvarande lösenordet stämmer inte."))
        else:
            try:
                set_password(current_user, form.new_password.data, field="new_password")
            except RuleViolation as violation:
                show_violation(form, violation)
            else:
                user = current_user._get_current_object()
                end_other_sessions(user, PASSWORD_CHANGED, keep=session.get(SESSION_KEY))
                db.session.commit()
                login_user(user)  # the session version changed: keep this session
                flash(_o("Lösenordet är bytt. Andra inloggningar har avslutats."), "success")
                return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)
