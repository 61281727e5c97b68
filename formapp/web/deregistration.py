"""FK 9449: ending a registration, and end reason 8's confirmed removal."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from formapp.cases import deregistration as cases
from formapp.clock import today
from formapp.extensions import db
from formapp.i18n import _o
from formapp.records import deregistrations as store
from formapp.records import registrations
from formapp.records.errors import InvalidAnswers, RuleViolation
from formapp.records.models import Registration
from formapp.records.registration_proof import end_document
from formapp.records.submissions import earlier_result
from formapp.web.answers import answer_rows
from formapp.web.downloads import registration_pdf_response
from formapp.web.paper_form import (
    PaperForm,
    already_stored,
    answers_from_post,
    form_page,
    once_token,
    render_page,
    store_once,
    stored_answers,
    switching_language,
)
from formapp.web.registration import registration_for_officer
from formapp.web.route_policy import checks_its_fields, officer_route
from formapp.web.view_audit import registration_viewed
from formapp.webforms.registration import EraseForm

bp = Blueprint("deregistration", __name__)


@bp.route("/registreringar/<int:registration_id>/utregistrering", methods=["GET", "POST"])
@officer_route
@checks_its_fields
def new(registration_id: int) -> str | Response | tuple[str, int]:
    registration = registration_for_officer(registration_id)
    if not registration.is_active:
        # Also what a second post of the same page meets once the first has ended it.
        flash(_o("Deltagaren är redan utregistrerad."), "info")
        return redirect(url_for("registration.show", registration_id=registration.id))
    if request.method == "GET":
        registration_viewed(registration, "deregistration.form_opened",
                            "Öppnade utregistreringen (FK 9449)")
    definition = store.definition()
    form = PaperForm(definition, values={"namn": registration.name},
                     fixed={"personnummer": registration.person.pnr.formatted},
                     context=store.form_context(registration))
    if request.method == "POST":
        form.values = answers_from_post(definition)
        if not switching_language():
            try:
                checked = cases.check_deregistration(registration, form.values, today=today())
                if store.effect_of(checked.values[store.REASON_FIELD]) == "remove_registration":
                    return redirect(url_for("deregistration.erase",
                                            registration_id=registration.id))
                return store_once(once_token(), lambda: _ended(registration, form.values),
                                  message=_ended_message(form.values))
            except (InvalidAnswers, RuleViolation) as error:
                form.refuse(error)
    return render_page("registration/paper_page.html", form=form,
                       status=422 if form.errors or form.form_errors else 200,
                       heading=_o("Utregistrering av deltagare (FK 9449)"),
                       insats=registration.insats, registration=registration,
                       action=url_for("deregistration.new", registration_id=registration.id),
                       submit_label=_o("Spara utregistreringen"),
                       cancel_url=url_for("registration.show", registration_id=registration.id),
                       lead=_o("Avslutningsanledning 8 (Felregistrering) tar bort registreringen; "
                               "du får se exakt vad som tas bort innan något händer."))


@bp.route("/registreringar/<int:registration_id>/utregistrering/rattelse",
          methods=["GET", "POST"])
@officer_route
@checks_its_fields
def correct(registration_id: int) -> str | Response | tuple[str, int]:
    """Rättelse of FK 9449: the answers again, the earlier ones kept in the history."""
    registration = registration_for_officer(registration_id)
    if registration.end_answers is None:
        flash(_o("Deltagaren är inte utregistrerad: det finns ingen utregistrering att rätta."),
              "info")
        return redirect(url_for("registration.show", registration_id=registration.id))
    if request.method == "GET":
        registration_viewed(registration, "deregistration.correction_opened",
                            "Öppnade rättelse av utregistreringen (FK 9449)")
    definition = store.definition()
    form = PaperForm(definition, values=stored_answers(definition, registration.end_answers),
                     fixed={"personnummer": registration.person.pnr.formatted},
                     context=store.form_context(registration))
    return form_page(form, lambda answers: _corrected(registration, answers),
                     message=_o("Rättelsen är sparad. De tidigare uppgifterna finns i "
                                "historiken."),
                     heading=_o("Rättelse av utregistrering (FK 9449)"),
                     insats=registration.insats, registration=registration,
                     action=url_for("deregistration.correct", registration_id=registration.id),
                     submit_label=_o("Spara rättelsen"),
                     cancel_url=url_for("registration.show", registration_id=registration.id),
                     lead=_o("De tidigare uppgifterna och blanketten sparas i historiken. "
                             "Felregistrering (8) rättas inte: den tar bort registreringen."))


def _corrected(registration: Registration, answers: dict[str, object]) -> str:
    cases.correct_deregistration(registration, answers, by=current_user, today=today())
    return url_for("registration.show", registration_id=registration.id)


def _ended(registration: Registration, answers: dict[str, object]) -> str:
    cases.deregister(registration, answers, by=current_user, today=today())
    return url_for("registration.show", registration_id=registration.id)


def _ended_message(answers: dict[str, object]) -> str:
    if store.effect_of(answers.get(store.REASON_FIELD)) == "withdraw_consent":
        return _o("Deltagaren är utregistrerad och samtycket återkallat: inga fler "
                  "personuppgifter registreras. Samtycket och beviset sparas som historik.")
    return _o("Deltagaren är utregistrerad. Blanketten är förseglad och sparad.")


@bp.route("/registreringar/<int:registration_id>/utregistrering.pdf")
@officer_route
def pdf(registration_id: int) -> Response:
    registration = registration_for_officer(registration_id)
    document = end_document(registration)
    if document is None:
        abort(404)
    registration_viewed(registration, "deregistration.pdf", "Öppnade utregistreringens PDF")
    return registration_pdf_response(document, f"FK9449-{registration.end_document_id}.pdf")


@bp.route("/registreringar/<int:registration_id>/ta-bort", methods=["GET", "POST"])
@officer_route
def erase(registration_id: int) -> str | Response | tuple[str, int]:
    """End reason 8, Felregistrering: say exactly what goes and what stays, then remove."""
    if request.method == "POST" and db.session.get(Registration, registration_id) is None:
        # A second post of the confirmation, after the first removed it.
        earlier = earlier_result(request.form.get("once", ""), current_user)
        if earlier:
            return already_stored(earlier)
    registration = registration_for_officer(registration_id)
    form = EraseForm()
    if request.method == "GET":
        form.once.data = once_token()
        registration_viewed(registration, "registration.erasure_opened",
                            "Visade vad Felregistrering tar bort")
    elif form.validate_on_submit():
        insats_id = registration.insats_id
        return store_once(
            form.once.data or once_token(),
            lambda: _erased(registration, insats_id),
            message=_o("Registreringen och dess personuppgifter är borttagna (Felregistrering). "
                       "Samtycket och beviset för det finns kvar."))
    plan = store.erasure_plan(registration)
    return render_template(
        "registration/erase.html", registration=registration, plan=plan, form=form,
        answers=answer_rows(registrations.definition(), registration.answers),
    ), 422 if form.errors else 200


def _erased(registration: Registration, insats_id: int) -> str:
    cases.erase_registration(registration, by=current_user)
    return url_for("participants.search", insats_id=insats_id)
