"""FK 9443 on the tablet: the officer starts, the participant reads and signs, the officer
takes the tablet back and gets the sealed PDF."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from formapp.cases import withdrawal
from formapp.cases.consent import discard_draft, sign_consent, start_draft
from formapp.cases.interpreter import set_interpreter
from formapp.clock import today
from formapp.domain.personnummer import parse_personnummer
from formapp.extensions import db
from formapp.i18n import _lp, _o, participant_page, registry, set_participant_locale
from formapp.records import understanding
from formapp.records.access import can_register_participants
from formapp.records.consent_proof import check_consent_pdf, consent_record
from formapp.records.consent_texts import available_locales, forbund_texts, text_version
from formapp.records.consents import (
    active_consent,
    consent_from_draft,
    draft_by_token,
    find_person,
)
from formapp.records.errors import RuleViolation
from formapp.records.handback_pin import can_take_back, handback_secret_ok
from formapp.records.handover_locks import (
    is_locked,
    keep_progress,
    kept_progress,
    lock_draft,
    unlock_draft,
)
from formapp.records.login_sessions import HANDBACK_FAILURES, count_handback_failure
from formapp.records.login_throttle import is_locked as is_login_locked
from formapp.records.login_throttle import record_failure
from formapp.records.models import Consent, ConsentDraft, ConsentKind, Insats
from formapp.records.signatures import parse_signature
from formapp.web.confirm import confirmed
from formapp.web.downloads import pdf_response
from formapp.web.guards import get_or_404, require, show_violation
from formapp.web.handover import end_handover, handover_state, mark_signed, start_handover
from formapp.web.read_aloud import audio_cache, read_aloud_evidence
from formapp.web.route_policy import officer_route, participant_route
from formapp.web.session import current_login_session, finish_login_session
from formapp.web.view_audit import consent_viewed
from formapp.web.withdraw_step import confirm_withdrawal
from formapp.webforms.consent import (
    ConsentStartForm,
    HandBackForm,
    PausedForm,
    SignForm,
    ToQuestionsForm,
    WithdrawForm,
)

bp = Blueprint("consent", __name__)


@bp.route("/insatser/<int:insats_id>/samtycke", methods=["GET", "POST"])
@officer_route
def start(insats_id: int) -> str | Response:
    insats = get_or_404(Insats, insats_id)
    day = today()
    require(can_register_participants(current_user, insats, day))
    if not can_take_back(current_user):
        # The tablet must open again for its officer: without a password here, a PIN.
        flash(_o("Välj först en kod för att ta tillbaka surfplattan från deltagaren."), "info")
        return redirect(url_for("second_factor.account"))
    form = ConsentStartForm()
    existing = None  # the person's active consent, when that is what stops a new one
    valid = form.validate_on_submit()
    if valid and form.skyddad_identitet.data == "ja":
        # Nothing about the person is stored, not even what was typed: on to the anonymous
        # registration, where the participant is counted without personal data.
        flash(_o("Personer med skyddad identitet registreras anonymt. Inga "
                 "personuppgifter har sparats. Räkna deltagaren här."), "info")
        return redirect(url_for("counts.anonymous", insats_id=insats.id))
    if request.method == "POST" and form.skyddad_identitet.data != "ja":
        valid = _all_fields_answered(form) and valid
    if valid:
        try:
            draft = start_draft(insats, current_user, personnummer=form.personnummer.data or "",
                                place=form.place.data or "", today=day)
        except RuleViolation as violation:
            show_violation(form, violation)
            existing = _blocking_consent(insats, form.personnummer.data or "", day)
        else:
            set_interpreter(draft, bool(form.interpreter.data), by=current_user)
            db.session.commit()
            start_handover(draft.token)
            return redirect(url_for("consent.language", token=draft.token))
    return render_template("consent/start.html", form=form, insats=insats, existing=existing)


def _all_fields_answered(form: ConsentStartForm) -> bool:
    """Every empty field flagged at once (not one per submit)."""
    missing = False
    if not (form.personnummer.data or "").strip():
        form.personnummer.errors = [*form.personnummer.errors,
                                    _o("Ange personnumret (12 siffror, ÅÅÅÅMMDD-NNNN).")]
        missing = True
    if not (form.place.data or "").strip():
        form.place.errors = [*form.place.errors, _o("Ange orten där samtycket lämnas.")]
        missing = True
    return not missing


def _blocking_consent(insats: Insats, raw: str, day: date) -> Consent | None:
    """The person's active consent for the insats, to link to from the refusal."""
    try:
        digits = parse_personnummer(raw, today=day).digits
    except ValueError:
        return None
    return active_consent(find_person(insats.forbund_id, digits), insats)


def draft_in_hand(token: str) -> ConsentDraft:
    """The draft of this tablet's hand-over; nothing else is reachable with a token, and a
    locked draft only through the officer's password (the lock screen)."""
    state = handover_state()
    draft = draft_by_token(token)
    if draft is None or state is None or state.get("token") != token \
            or draft.officer_id != current_user.id:
        abort(404)
    if is_locked(draft):
        abort(redirect(url_for("consent.hand_back")))
    return draft


@bp.route("/deltagare/<token>/sprak")
@participant_route
@participant_page
def language(token: str) -> str:
    draft = draft_in_hand(token)
    locales = registry()
    choices = [locales[loc] for loc in available_locales(draft.insats.forbund) if loc in locales]
    return render_template("consent/language.html", draft=draft, choices=choices)


@bp.route("/deltagare/<token>/<locale>", methods=["GET", "POST"])
@participant_route
@participant_page
def read(token: str, locale: str) -> str | Response | tuple[str, int]:
    if request.method == "POST":
        signed = _signed_in_hand(token)
        if signed is not None:  # a second tap once the first has committed: the same answer
            return _signed(signed)
    draft = draft_in_hand(token)
    published = forbund_texts(draft.insats.forbund)
    if locale not in registry() or locale not in published.locales():
        abort(404)
    set_participant_locale(locale)
    texts = published.shown(locale)
    if texts is None:
        abort(404)
    questions = understanding.questions_in_use(draft.insats.forbund, texts.read)
    if request.method == "POST" and not understanding.all_done(draft, questions):
        # Questions first (issue 19): not a refusal, the way to the signature goes by them.
        return redirect(url_for("understanding.questions", token=token, locale=locale))
    form = SignForm()
    if form.validate_on_submit():
        # A confirmation and strokes given to other texts are not consent to these (GDPR
        # recital 32): nothing is carried over to the new text, the box is unticked.
        texts_changed = (form.texts.data or "") != texts.versions
        try:
            signature = parse_signature(form.signature.data or "")
            heard = read_aloud_evidence(form.read_aloud.data or "", draft.insats.forbund,
                                        texts, shown=form.texts.data or "")
            consent = sign_consent(draft, locale=locale, name=form.name.data or "",
                                   signature=signature, confirmed_read=form.confirmed.data,
                                   shown=form.texts.data or "", texts=texts, read_aloud=heard,
                                   understanding=understanding.evidence(
                                       draft, questions, understanding.questions_in_use(
                                           draft.insats.forbund, texts.binding),
                                       audio_cache()))
        except RuleViolation as violation:
            show_violation(form, violation)
            if texts_changed:
                form.confirmed.data = False
                form.signature.data = ""
        except IntegrityError:
            # Two taps in flight together: the database let the first commit and refused this
            # one. Its PDF goes with the rollback; the participant gets the first one's answer.
            db.session.rollback()
            winner = consent_from_draft(token)
            if winner is not None:
                return _signed(winner)
            # Another draft of the same person committed first: signing again will tell.
            show_violation(form, RuleViolation("", _lp(
                "Samtycket kunde inte sparas eftersom något ändrades samtidigt. Skriv under "
                "igen.")))
        else:
            db.session.commit()
            return _signed(consent)
    elif request.method == "GET":
        # Back after the officer unlocked the tablet: what the participant had written.
        kept = kept_progress(draft, locale)
        form.name.data = kept.get("name", "")
        form.signature.data = kept.get("signature", "")
        # What was played before the questions (the reading page posted it on the way there).
        form.read_aloud.data = understanding.kept_read_aloud(draft, locale)
    status = 422 if form.errors or form.form_errors else 200
    form.texts.data = texts.versions  # what this rendering shows, whatever was posted
    return render_template("consent/read.html", draft=draft, text=texts.read,
                           questions_pending=not understanding.all_done(draft, questions),
                           questions_form=ToQuestionsForm(formdata=None),
                           binding=texts.binding, form=form, locale=locale,
                           personnummer=parse_personnummer(draft.personnummer).formatted,
                           today_iso=today().isoformat()), status


@bp.route("/deltagare/<token>/<locale>/paus", methods=["POST"])
@participant_route
@participant_page
def pause(token: str, locale: str) -> Response:
    """The tablet locks (idle, or "ge tillbaka") from the signing page: what was written is
    kept with the draft on the server, the draft is locked, and the lock screen shows."""
    draft = draft_in_hand(token)
    form = SignForm()
    if form.validate_on_submit() and locale in registry():
        keep_progress(draft, locale=locale, name=form.name.data or "",
                      signature=form.signature.data or "")
    lock_draft(draft)
    db.session.commit()
    return redirect(url_for("consent.hand_back"))


def _signed_in_hand(token: str) -> Consent | None:
    """The consent this tablet's hand-over already made from the draft ``token``, if any."""
    state = handover_state()
    consent = consent_from_draft(token)
    if state is None or consent is None or consent.officer_id != current_user.id:
        return None
    return consent if token == state.get("token") or consent.id == state.get("consent") \
        else None


def _signed(consent: Consent) -> Response:
    mark_signed(consent.id)
    return redirect(url_for("consent.done"))


@bp.route("/deltagare/klart")
@participant_route
@participant_page
def done() -> str | Response:
    state = handover_state()
    if state is None or "consent" not in state:
        return redirect(url_for("home.index"))
    return render_template("consent/done.html")


@bp.route("/deltagare/tillbaka", methods=["GET", "POST"])
@participant_route
def hand_back() -> str | Response | tuple[str, int]:
    """The lock screen: from here on only the officer's password opens anything, and the
    draft stays locked on the server until the officer hands the tablet back."""
    state = handover_state()
    if state is None:
        return redirect(url_for("home.index"))
    draft = draft_by_token(state.get("token", "")) if "token" in state else None
    if draft is not None and not is_locked(draft):
        lock_draft(draft)
        db.session.commit()
    form = HandBackForm()
    if current_user.handback_pin_hash is not None:
        form.password.label.text = _o("Din kod för surfplattan")
    if form.validate_on_submit():
        if _officer_password_ok(form.password.data or ""):
            end_handover()
            if "consent" in state:
                return redirect(url_for("consent.receipt", consent_id=state["consent"]))
            if draft is not None:
                return redirect(url_for("consent.paused", token=draft.token))
            return redirect(url_for("home.index"))
        if not current_user.is_authenticated:  # too many wrong passwords: logged out
            flash(_o("För många fel lösenord. Logga in igen."), "error")
            return redirect(url_for("auth.login"))
        form.password.errors.append(_o("Koden stämmer inte.")
                                    if current_user.handback_pin_hash is not None
                                    else _o("Lösenordet stämmer inte."))
        return render_template("consent/hand_back.html", form=form), 422
    return render_template("consent/hand_back.html", form=form)


def _officer_password_ok(password: str) -> bool:
    """The officer's password at the lock screen, throttled as a login is: each wrong one
    counts towards the account's lock, and after FORMAPP_HANDBACK_MAX_FAILURES (or once the
    account is locked) the session ends and only a full login opens the tablet again."""
    email = current_user.email
    address = request.remote_addr or "unknown"
    if not is_login_locked(email, address) and handback_secret_ok(current_user, password):
        return True
    record_failure(email, address)
    login = current_login_session()
    failures = count_handback_failure(login) if login is not None else 0
    db.session.commit()
    if failures >= current_app.config["FORMAPP_HANDBACK_MAX_FAILURES"] \
            or is_login_locked(email, address):
        finish_login_session(HANDBACK_FAILURES)
    return False


@bp.route("/samtycke/<token>/pausat", methods=["GET", "POST"])
@officer_route
def paused(token: str) -> str | Response:
    """The officer has the tablet back before the participant signed: hand it back to the
    participant (same draft, unlocked) or end the consent (nothing kept)."""
    draft = draft_by_token(token)
    if draft is None or draft.officer_id != current_user.id:
        abort(404)
    form = PausedForm(data={"interpreter": draft.interpreter})
    if form.validate_on_submit():
        if form.resume.data:
            set_interpreter(draft, bool(form.interpreter.data), by=current_user)
            unlock_draft(draft)
            db.session.commit()
            start_handover(draft.token)
            return redirect(url_for("consent.language", token=draft.token))
        insats_id = draft.insats_id
        discard_draft(draft)
        db.session.commit()
        flash(_o("Samtycket avbröts. Inget sparades."), "info")
        return redirect(url_for("insatser.show", insats_id=insats_id))
    return render_template("consent/paused.html", form=form, draft=draft)


def _viewable_consent(consent_id: str) -> Consent:
    consent = db.session.get(Consent, consent_id)
    if consent is None:
        abort(404)
    require(can_register_participants(current_user, consent.insats, today()))
    return consent


@bp.route("/samtycken/<consent_id>")
@officer_route
def receipt(consent_id: str) -> str:
    consent = _viewable_consent(consent_id)
    consent_viewed(consent, "consent.viewed", "Visade samtycket")
    return _render_receipt(consent, WithdrawForm())


def _render_receipt(consent: Consent, withdraw_form: WithdrawForm) -> str:
    if consent.kind in (ConsentKind.UNPROVEN.value, ConsentKind.SYNTHETIC.value):
        # No document of its own to check: the page says so instead (issue 17).
        return render_template("consent/receipt.html", consent=consent, check=None,
                               texts={"binding": None, "read": None},
                               withdraw_form=withdraw_form)
    # The seal, and that the PDF is this consent's own (its sealed record names this row).
    check = check_consent_pdf(consent)
    if check is None or not check.ok:
        current_app.logger.error("consent %s: %s", consent.id,
                                 "; ".join(check.problems) if check else "PDF missing")
    signed = consent.kind == ConsentKind.SIGNED.value  # a paper one's text is on the paper
    texts = {"binding": text_version(consent.binding_version) if signed else None,
             "read": text_version(consent.read_version) if consent.read_version else None}
    # How the participant read (issue 19): the sealed record's answers, when it is this
    # consent's own (a PDF that fails the check says nothing here).
    record = consent_record(consent) if signed and check is not None and check.ok else None
    return render_template("consent/receipt.html", consent=consent, check=check, texts=texts,
                           withdraw_form=withdraw_form, record=record)


@bp.route("/samtycken/<consent_id>/pdf")
@officer_route
def pdf(consent_id: str) -> Response:
    consent = _viewable_consent(consent_id)
    check = check_consent_pdf(consent)
    if check is None or not check.ok:  # never another consent's PDF: the page says why
        return redirect(url_for("consent.receipt", consent_id=consent.id))
    consent_viewed(consent, "consent.pdf", "Öppnade samtyckets PDF")
    return pdf_response(consent.pdf_sha256, f"FK9443-samtycke-{consent.id}.pdf")


@bp.route("/samtycken/<consent_id>/aterkalla", methods=["POST"])
@officer_route
def withdraw(consent_id: str) -> str | Response | tuple[str, int]:
    consent = _viewable_consent(consent_id)
    form = WithdrawForm()
    # Asked only when withdrawing can go ahead: a missing reason is told at the field first.
    if form.validate_on_submit() and (form.reason.data or "").strip() and not confirmed() \
            and consent.status != "withdrawn":
        return confirm_withdrawal(
            consent, reason=form.reason.data or "",
            action=url_for("consent.withdraw", consent_id=consent.id),
            cancel_url=url_for("consent.receipt", consent_id=consent.id))
    if form.validate_on_submit():
        try:
            withdrawal.withdraw(consent, by=current_user, reason=form.reason.data or "",
                                today=today())
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            db.session.commit()
            flash(_o("Samtycket är återkallat. Ett förseglat kvitto är sparat."), "success")
            return redirect(url_for("consent.receipt", consent_id=consent.id))
    return _render_receipt(consent, form), 422


@bp.route("/samtycken/<consent_id>/kvitto.pdf")
@officer_route
def withdrawal_pdf(consent_id: str) -> Response:
    consent = _viewable_consent(consent_id)
    if consent.withdrawal_pdf_sha256 is None:
        abort(404)
    consent_viewed(consent, "consent.withdrawal_pdf", "Öppnade kvittot på återkallelsen")
    return pdf_response(consent.withdrawal_pdf_sha256,
                         f"FK9443-aterkallelse-{consent.id}.pdf")
