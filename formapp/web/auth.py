"""Log in, log out, change one's own password."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

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
from flask_login import current_user, login_required, login_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from formapp.extensions import db
from formapp.i18n import _o, set_officer_locale
from formapp.i18n.selection import OFFICER_SESSION_KEY
from formapp.records.accounts import set_password
from formapp.records.errors import RuleViolation
from formapp.records.login_sessions import LOGOUT, PASSWORD_CHANGED, end_other_sessions
from formapp.records.login_throttle import clear_failures, is_locked, record_failure
from formapp.records.models import User
from formapp.records.passwords import hash_password, needs_rehash, verify_password
from formapp.web.guards import show_violation
from formapp.web.session import SESSION_KEY, begin_login_session, finish_login_session
from formapp.webforms.admin import ConfirmForm, LoginForm, PasswordChangeForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would hand the session to someone else."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
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
            return render_template("auth/login.html", form=form), 429
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if verify_password(user.password_hash if user else None, form.password.data) \
                and user is not None and user.is_active:
            clear_failures(email)
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            user.last_login_at = datetime.now(UTC)
            db.session.commit()
            target = _safe_next(request.args.get("next"))
            language = session.get(OFFICER_SESSION_KEY)
            session.clear()  # a new session on login: nothing carried over but the language
            if language:
                set_officer_locale(language)
            login_user(user)
            begin_login_session(user)
            db.session.commit()
            return redirect(target)
        record_failure(email, address)
        db.session.commit()
        form.password.errors.append(_o("Fel e-postadress eller lösenord, eller kontot är "
                                       "inte aktivt."))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    form = ConfirmForm()
    if form.validate_on_submit():
        finish_login_session(LOGOUT)
        flash(_o("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
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
