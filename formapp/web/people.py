"""A person's page for the förbund's administrator: what formapp holds about them, the
registerutdrag (GDPR art. 15) and withdrawal of a consent (art. 7.3)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from formapp.cases import withdrawal
from formapp.cases.subject_access import registerutdrag
from formapp.clock import today
from formapp.domain.personnummer import parse_personnummer
from formapp.extensions import db
from formapp.i18n import _o
from formapp.records.access import can_manage_users
from formapp.records.errors import RuleViolation
from formapp.records.models import Consent, Forbund, Person
from formapp.records.subject_access import collect, find_person_by_personnummer
from formapp.web.confirm import confirmed
from formapp.web.downloads import pdf_response
from formapp.web.guards import get_or_404, require, show_violation
from formapp.web.route_policy import officer_route
from formapp.web.view_audit import consent_viewed, record_view
from formapp.web.withdraw_step import confirm_withdrawal
from formapp.webforms.people import ExtractForm, PersonSearchForm, PersonWithdrawForm

bp = Blueprint("people", __name__)


def _admin_of(forbund_id: int) -> None:
    """The förbund's samverkansadministratör handles the participants' rights."""
    require(not current_user.is_system_admin
            and can_manage_users(current_user, forbund_id, today()))


@bp.route("/forbund/<int:forbund_id>/personer", methods=["GET", "POST"])
@officer_route
def search(forbund_id: int) -> str | Response:
    forbund = get_or_404(Forbund, forbund_id)
    _admin_of(forbund.id)
    form = PersonSearchForm()
    not_found = None  # the number searched, in 12 digits, when nobody has it
    if form.validate_on_submit():
        try:
            person = find_person_by_personnummer(forbund, form.personnummer.data or "",
                                                 today=today())
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            if person is not None:
                return redirect(url_for("people.show", person_id=person.id))
            # Not an input error: an answer, said as one.
            not_found = parse_personnummer(form.personnummer.data or "", today=today())
    return render_template("people/search.html", forbund=forbund, form=form,
                           not_found=not_found)


def _person(person_id: int) -> Person:
    person = get_or_404(Person, person_id)
    _admin_of(person.forbund_id)
    return person


@bp.route("/personer/<int:person_id>")
@officer_route
def show(person_id: int) -> str:
    person = _person(person_id)
    record_view(action="person.viewed", subject=f"person:{person.id}",
                why="Visade personens uppgifter (administratör)", forbund_id=person.forbund_id,
                personnummer=person.personnummer)
    consents = db.session.scalars(select(Consent).where(Consent.person_id == person.id)
                                  .order_by(Consent.signed_at.desc())).all()
    return render_template("people/show.html", person=person, data=collect(person),
                           consents=consents, extract_form=ExtractForm(),
                           withdraw_form=PersonWithdrawForm())


@bp.route("/personer/<int:person_id>/registerutdrag", methods=["POST"])
@officer_route
def extract(person_id: int) -> str | Response | tuple[str, int]:
    person = _person(person_id)
    form = ExtractForm()
    if form.validate_on_submit():
        try:
            result = registerutdrag(person, by=current_user, why=form.why.data or "")
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            db.session.commit()
            if request.args.get("format") == "json":
                response = Response(result.json_bytes, mimetype="application/json")
                response.headers["Content-Disposition"] = (
                    f'attachment; filename="registerutdrag-{person.id}.json"')
                return response
            return pdf_response(result.pdf_sha256, f"registerutdrag-{person.id}.pdf")
    return render_template("people/show.html", person=person, data=collect(person),
                           consents=[], extract_form=form,
                           withdraw_form=PersonWithdrawForm()), 422


@bp.route("/personer/<int:person_id>/samtycken/<consent_id>/aterkalla", methods=["POST"])
@officer_route
def withdraw(person_id: int, consent_id: str) -> str | Response:
    person = _person(person_id)
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.person_id != person.id:
        abort(404)
    form = PersonWithdrawForm()
    person_url = url_for("people.show", person_id=person.id)
    # Asked first, as on the receipt page; only when withdrawing can go ahead (a missing
    # reason or an already withdrawn consent is told at once).
    if form.validate_on_submit() and not confirmed() and consent.status != "withdrawn":
        return confirm_withdrawal(
            consent, reason=form.reason.data or "",
            action=url_for("people.withdraw", person_id=person.id, consent_id=consent.id),
            cancel_url=person_url)
    if form.validate_on_submit():
        try:
            withdrawal.withdraw(consent, by=current_user, reason=form.reason.data or "",
                                today=today())
        except RuleViolation as violation:
            db.session.rollback()
            flash(str(violation.message), "error")
        else:
            db.session.commit()
            flash(_o("Samtycket är återkallat. Ett förseglat kvitto är sparat."), "success")
    else:
        flash(_o("Ange hur och när personen återkallade samtycket."), "error")
    return redirect(person_url)


@bp.route("/personer/<int:person_id>/samtycken/<consent_id>/pdf")
@officer_route
def consent_pdf(person_id: int, consent_id: str) -> Response:
    person = _person(person_id)
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.person_id != person.id:
        abort(404)
    consent_viewed(consent, "consent.pdf", "Öppnade samtyckets PDF (administratör)")
    return pdf_response(consent.pdf_sha256, f"FK9443-samtycke-{consent.id}.pdf")
