"""FK 9443 on the tablet: the officer starts, the participant reads and signs, the officer
takes the tablet back and gets the sealed PDF."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from formapp.clock import today
from formapp.extensions import db
from formapp.i18n import _o, participant_page, registry, set_participant_locale
from formapp.records.access import can_register_participants
from formapp.records.consent_proof import check_consent_pdf
from formapp.records.consent_texts import available_locales, forbund_texts, text_version
from formapp.records.consents import (
    discard_draft,
    draft_by_token,
    sign_consent,
    start_draft,
    withdraw_consent,
)
from formapp.records.errors import RuleViolation
from formapp.records.models import Consent, ConsentDraft, Insats
from formapp.records.passwords import verify_password
from formapp.records.signatures import parse_signature
from formapp.web.downloads import pdf_response
from formapp.web.guards import get_or_404, require, show_violation
from formapp.web.handover import end_handover, handover_state, mark_signed, start_handover
from formapp.web.view_audit import consent_viewed
from formapp.webforms.consent import ConsentStartForm, HandBackForm, SignForm, WithdrawForm

bp = Blueprint("consent", __name__)


@bp.route("/insatser/<int:insats_id>/samtycke", methods=["GET", "POST"])
@login_required
def start(insats_id: int) -> str | Response:
    insats = get_or_404(Insats, insats_id)
    day = today()
    require(can_register_participants(current_user, insats, day))
    form = ConsentStartForm()
    if form.validate_on_submit():
        if form.skyddad_identitet.data == "ja":
            # Nothing about the person is stored, not even what was typed.
            flash(_o("Personer med skyddad identitet registreras anonymt. Inga "
                     "personuppgifter har sparats."), "info")
            return redirect(url_for("insatser.show", insats_id=insats.id))
        try:
            draft = start_draft(insats, current_user, personnummer=form.personnummer.data or "",
                                place=form.place.data or "", today=day)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            db.session.commit()
            start_handover(draft.token)
            return redirect(url_for("consent.language", token=draft.token))
    return render_template("consent/start.html", form=form, insats=insats)


def _draft_in_hand(token: str) -> ConsentDraft:
    """The draft of this tablet's hand-over; nothing else is reachable with a token."""
    state = handover_state()
    draft = draft_by_token(token)
    if draft is None or state is None or state.get("token") != token \
            or draft.officer_id != current_user.id:
        abort(404)
    return draft


@bp.route("/deltagare/<token>/sprak")
@login_required
@participant_page
def language(token: str) -> str:
    draft = _draft_in_hand(token)
    locales = registry()
    choices = [locales[loc] for loc in available_locales(draft.insats.forbund) if loc in locales]
    return render_template("consent/language.html", draft=draft, choices=choices)


@bp.route("/deltagare/<token>/<locale>", methods=["GET", "POST"])
@login_required
@participant_page
def read(token: str, locale: str) -> str | Response | tuple[str, int]:
    draft = _draft_in_hand(token)
    published = forbund_texts(draft.insats.forbund)
    if locale not in registry() or locale not in published.locales():
        abort(404)
    set_participant_locale(locale)
    texts = published.shown(locale)
    if texts is None:
        abort(404)
    form = SignForm()
    if form.validate_on_submit():
        try:
            signature = parse_signature(form.signature.data or "")
            consent = sign_consent(draft, locale=locale, name=form.name.data or "",
                                   signature=signature, confirmed_read=form.confirmed.data,
                                   shown=form.texts.data or "", texts=texts)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            db.session.commit()
            mark_signed(consent.id)
            return redirect(url_for("consent.done"))
    status = 422 if form.errors or form.form_errors else 200
    form.texts.data = texts.versions  # what this rendering shows, whatever was posted
    return render_template("consent/read.html", draft=draft, text=texts.read,
                           binding=texts.binding, form=form, locale=locale,
                           today_iso=today().isoformat()), status


@bp.route("/deltagare/klart")
@login_required
@participant_page
def done() -> str | Response:
    state = handover_state()
    if state is None or "consent" not in state:
        return redirect(url_for("home.index"))
    return render_template("consent/done.html")


@bp.route("/deltagare/tillbaka", methods=["GET", "POST"])
@login_required
def hand_back() -> str | Response | tuple[str, int]:
    state = handover_state()
    if state is None:
        return redirect(url_for("home.index"))
    form = HandBackForm()
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.password.data):
            end_handover()
            if "consent" in state:
                return redirect(url_for("consent.receipt", consent_id=state["consent"]))
            draft = draft_by_token(state.get("token", ""))
            if draft is not None:
                insats_id = draft.insats_id
                discard_draft(draft)
                db.session.commit()
                flash(_o("Samtycket avbröts. Inget sparades."), "info")
                return redirect(url_for("insatser.show", insats_id=insats_id))
            return redirect(url_for("home.index"))
        form.password.errors.append(_o("Lösenordet stämmer inte."))
        return render_template("consent/hand_back.html", form=form), 422
    return render_template("consent/hand_back.html", form=form)


def _viewable_consent(consent_id: str) -> Consent:
    consent = db.session.get(Consent, consent_id)
    if consent is None:
        abort(404)
    require(can_register_participants(current_user, consent.insats, today()))
    return consent


@bp.route("/samtycken/<consent_id>")
@login_required
def receipt(consent_id: str) -> str:
    consent = _viewable_consent(consent_id)
    consent_viewed(consent, "consent.viewed", "Visade samtycket")
    return _render_receipt(consent, WithdrawForm())


def _render_receipt(consent: Consent, withdraw_form: WithdrawForm) -> str:
    # The seal, and that the PDF is this consent's own (its sealed record names this row).
    check = check_consent_pdf(consent)
    if check is None or not check.ok:
        current_app.logger.error("consent %s: %s", consent.id,
                                 "; ".join(check.problems) if check else "PDF missing")
    texts = {"binding": text_version(consent.binding_version),
             "read": text_version(consent.read_version) if consent.read_version else None}
    return render_template("consent/receipt.html", consent=consent, check=check, texts=texts,
                           withdraw_form=withdraw_form)


@bp.route("/samtycken/<consent_id>/pdf")
@login_required
def pdf(consent_id: str) -> Response:
    consent = _viewable_consent(consent_id)
    check = check_consent_pdf(consent)
    if check is None or not check.ok:  # never another consent's PDF: the page says why
        return redirect(url_for("consent.receipt", consent_id=consent.id))
    consent_viewed(consent, "consent.pdf", "Öppnade samtyckets PDF")
    return pdf_response(consent.pdf_sha256, f"FK9443-samtycke-{consent.id}.pdf")


@bp.route("/samtycken/<consent_id>/aterkalla", methods=["POST"])
@login_required
def withdraw(consent_id: str) -> str | Response | tuple[str, int]:
    consent = _viewable_consent(consent_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            withdraw_consent(consent, by=current_user, reason=form.reason.data or "")
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            db.session.commit()
            flash(_o("Samtycket är återkallat. Ett förseglat kvitto är sparat."), "success")
            return redirect(url_for("consent.receipt", consent_id=consent.id))
    return _render_receipt(consent, form), 422


@bp.route("/samtycken/<consent_id>/kvitto.pdf")
@login_required
def withdrawal_pdf(consent_id: str) -> Response:
    consent = _viewable_consent(consent_id)
    if consent.withdrawal_pdf_sha256 is None:
        abort(404)
    consent_viewed(consent, "consent.withdrawal_pdf", "Öppnade kvittot på återkallelsen")
    return pdf_response(consent.withdrawal_pdf_sha256,
                         f"FK9443-aterkallelse-{consent.id}.pdf")
