"""FK 9448: the consent gate, the registration form, a registration's page and its rättelse."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from formapp.clock import today
from formapp.definitions import FormDefinition
from formapp.extensions import db
from formapp.i18n import _o
from formapp.records import deregistrations
from formapp.records import registrations as store
from formapp.records.access import can_register_participants
from formapp.records.errors import RuleViolation
from formapp.records.models import Consent, ConsentStatus, Insats, Registration
from formapp.records.registration_proof import earlier_document, start_document
from formapp.web.answers import answer_rows, answer_text, revision_changes
from formapp.web.downloads import registration_pdf_response
from formapp.web.guards import get_or_404, require, show_violation
from formapp.web.paper_form import (
    PaperForm,
    form_page,
    stored_answers,
)
from formapp.web.route_policy import checks_its_fields, officer_route
from formapp.web.view_audit import consents_listed, record_view, registration_viewed
from formapp.webforms.registration import GateForm

bp = Blueprint("registration", __name__)


def registration_for_officer(registration_id: int) -> Registration:
    # With what the access check and every page of it need: one query, not one a relation.
    registration = db.session.get(Registration, registration_id, options=(
        joinedload(Registration.insats).joinedload(Insats.forbund),
        joinedload(Registration.person)))
    if registration is None:
        abort(404)
    require(can_register_participants(current_user, registration.insats, today()))
    return registration


def _waiting_consents(insats: Insats) -> list[Consent]:
    return list(db.session.scalars(select(Consent).where(
        Consent.insats_id == insats.id, Consent.status == ConsentStatus.ACTIVE.value)
        .order_by(Consent.signed_at.desc())))


@bp.route("/insatser/<int:insats_id>/inregistrering", methods=["GET", "POST"])
@officer_route
def gate(insats_id: int) -> str | Response | tuple[str, int]:
    """Who is to be registered: personal data only on an active, unused consent."""
    insats = get_or_404(Insats, insats_id)
    day = today()
    require(can_register_participants(current_user, insats, day))
    form = GateForm()
    outcome = None
    if form.validate_on_submit():
        try:
            outcome = store.gate(insats, form.personnummer.data or "", today=day)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            record_view(action="registration.gate", subject=f"insats:{insats.id}",
                        why="Sökte personnummer för inregistrering", forbund_id=insats.forbund_id,
                        personnummer=outcome.personnummer.digits,
                        details={"registered": outcome.registration is not None,
                                 "consent": outcome.consent is not None})
            if outcome.consent is not None:
                return redirect(url_for("registration.new", consent_id=outcome.consent.id))
    status = 422 if form.errors else 200
    waiting = _waiting_consents(insats)
    consents_listed(waiting, insats_id=insats.id, forbund_id=insats.forbund_id,
                    why="Samtycken som väntar på inregistrering")
    return render_template("registration/gate.html", insats=insats, form=form, outcome=outcome,
                           consents=waiting), status


def _consent_for_officer(consent_id: str) -> Consent:
    consent = db.session.get(Consent, consent_id, options=(
        joinedload(Consent.insats).joinedload(Insats.forbund), joinedload(Consent.person)))
    if consent is None:
        abort(404)
    require(can_register_participants(current_user, consent.insats, today()))
    return consent


def _new_form(consent: Consent, definition: FormDefinition) -> PaperForm:
    person = consent.person
    return PaperForm(definition, values={"namn": consent.name},
                     fixed={"personnummer": person.pnr.formatted},
                     context=store.form_context(consent.insats))


@bp.route("/samtycken/<consent_id>/inregistrering", methods=["GET", "POST"])
@officer_route
@checks_its_fields
def new(consent_id: str) -> str | Response | tuple[str, int]:
    """FK 9448 for the person of ``consent``, in its insats."""
    consent = _consent_for_officer(consent_id)
    definition = store.definition()
    form = _new_form(consent, definition)
    if request.method == "GET" and consent.status != ConsentStatus.ACTIVE.value:
        existing = store.registration_of_consent(consent)
        flash(_o("Samtycket är redan använt eller återkallat; en ny registrering behöver ett "
                 "nytt samtycke."), "info")
        if existing is not None:
            return redirect(url_for("registration.show", registration_id=existing.id))
        return redirect(url_for("registration.gate", insats_id=consent.insats_id))
    if request.method == "GET":
        record_view(action="registration.form_opened", subject=f"consent:{consent.id}",
                    why="Öppnade inregistreringen (FK 9448) med namn och personnummer",
                    forbund_id=consent.forbund_id, personnummer=consent.person.personnummer)
    return form_page(form, lambda answers: url_for(
                         "registration.show", registration_id=store.register_participant(
                             consent, answers, officer=current_user, today=today()).id),
                     message=_o("Deltagaren är inregistrerad. Blanketten är förseglad och "
                                "sparad."),
                     heading=_o("Inregistrering av deltagare (FK 9448)"),
                     insats=consent.insats, registration=None,
                     action=url_for("registration.new", consent_id=consent.id),
                     submit_label=_o("Spara inregistreringen"),
                     cancel_url=url_for("insatser.show", insats_id=consent.insats_id),
                     lead=_o("Fyll gärna i blanketten tillsammans med deltagaren."))


@bp.route("/registreringar/<int:registration_id>")
@officer_route
def show(registration_id: int) -> str:
    registration = registration_for_officer(registration_id)
    registration_viewed(registration, "registration.viewed", "Visade registreringen")
    from_9449, reason_label = None, ""
    definition_9449 = deregistrations.definition()
    if registration.end_reason is not None:
        # Also for one ended by migration 0012 (a withdrawal before it): no FK 9449 answers.
        reason_label = answer_text(definition_9449.field(deregistrations.REASON_FIELD),
                                   registration.end_reason)
    if registration.end_answers is not None:
        from_9449 = answer_rows(definition_9449, registration.end_answers)
    return render_template(
        "registration/show.html", registration=registration, reason_label=reason_label,
        answers=answer_rows(store.definition(), registration.answers), end_answers=from_9449,
        changes=revision_changes({store.FORM: store.definition(),
                                  deregistrations.FORM: deregistrations.definition()},
                                 registration))


@bp.route("/registreringar/<int:registration_id>/rattelse", methods=["GET", "POST"])
@officer_route
@checks_its_fields
def correct(registration_id: int) -> str | Response | tuple[str, int]:
    """Rättelse: the FK 9448 answers again, the earlier ones kept in the history."""
    registration = registration_for_officer(registration_id)
    definition = store.definition()
    person = registration.person
    if request.method == "GET":
        registration_viewed(registration, "registration.correction_opened",
                            "Öppnade rättelse av inregistreringen (FK 9448)")
    form = PaperForm(definition, values=stored_answers(definition, registration.answers),
                     fixed={"personnummer": person.pnr.formatted},
                     context=store.form_context(registration.insats))
    return form_page(form, lambda answers: _corrected(registration, answers),
                     message=_o("Rättelsen är sparad. De tidigare uppgifterna finns i "
                                "historiken."),
                     heading=_o("Rättelse av inregistrering (FK 9448)"),
                     insats=registration.insats, registration=registration,
                     action=url_for("registration.correct", registration_id=registration.id),
                     submit_label=_o("Spara rättelsen"),
                     cancel_url=url_for("registration.show", registration_id=registration.id),
                     lead=_o("De tidigare uppgifterna och blanketten sparas i historiken."))


def _corrected(registration: Registration, answers: dict[str, object]) -> str:
    store.correct_registration(registration, answers, by=current_user, today=today())
    return url_for("registration.show", registration_id=registration.id)


@bp.route("/registreringar/<int:registration_id>/pdf")
@officer_route
def pdf(registration_id: int) -> Response:
    registration = registration_for_officer(registration_id)
    registration_viewed(registration, "registration.pdf", "Öppnade inregistreringens PDF")
    return registration_pdf_response(start_document(registration),
                                     f"FK9448-{registration.document_id}.pdf")


@bp.route("/registreringar/<int:registration_id>/historik/<int:revision_id>.pdf")
@officer_route
def revision_pdf(registration_id: int, revision_id: int) -> Response:
    registration = registration_for_officer(registration_id)
    revision = next((r for r in registration.revisions if r.id == revision_id), None)
    if revision is None:
        abort(404)
    registration_viewed(registration, "registration.revision_pdf",
                        "Öppnade en tidigare blankett i historiken", revision_id=revision.id)
    return registration_pdf_response(earlier_document(registration, revision),
                                     f"FK{revision.form}-{revision.previous_document_id}.pdf")
