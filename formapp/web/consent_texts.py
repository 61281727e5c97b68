"""Consent text versions of a förbund: which text it uses, what participants read in each
language, which languages lack a translation, every version's history, publishing."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from formapp.cases.consent_texts import choose_text, publish_text, set_understanding_questions
from formapp.cases.read_aloud import upload_recording
from formapp.clock import today
from formapp.definitions.consent_texts import builtin_versions
from formapp.definitions.understanding import questions_for
from formapp.documents.consent import FK_TEXT, FORMAPP_TEXT
from formapp.extensions import db
from formapp.i18n import _lo, _o, registry
from formapp.records.access import can_edit_forbund, can_publish_consent_texts
from formapp.records.consent_texts import OWN_TEXT, forbund_texts, version_history
from formapp.records.errors import RuleViolation
from formapp.records.models import Forbund
from formapp.records.read_aloud import needs_recording, reading_for
from formapp.web.guards import get_or_404, require, show_violation
from formapp.web.read_aloud import audio_cache
from formapp.web.review_status import review_counts, text_summary
from formapp.web.route_policy import larger_body, officer_route
from formapp.web.uploads import MIB
from formapp.webforms.consent import (
    ChooseTextForm,
    PublishTextForm,
    RecordingForm,
    UnderstandingSettingsForm,
)

bp = Blueprint("consent_texts", __name__)
bp.app_template_global()(review_counts)
bp.app_template_global()(text_summary)
MAX_TEXT_BYTES = 200 * 1024

TEXT_NAMES = {
    FORMAPP_TEXT: _lo("formapps samtyckestext (förbundet är personuppgiftsansvarigt)"),
    FK_TEXT: _lo("FK 9443 (SUS, historisk)"),
    OWN_TEXT: _lo("förbundets egen text"),
}


def _publish(forbund: Forbund, form: PublishTextForm) -> Response | None:
    if not form.validate_on_submit():
        return None
    raw = form.file.data.read(MAX_TEXT_BYTES + 1)
    if len(raw) > MAX_TEXT_BYTES:
        form.file.errors.append(_o("Filen är för stor för att vara en samtyckestext."))
        return None
    try:
        text = publish_text(forbund, raw, by=current_user)
    except RuleViolation as violation:
        show_violation(form, violation)
        return None
    db.session.commit()
    flash(_o("Version %(version)s är publicerad. Nya samtycken använder den; "
             "tidigare samtycken behåller sin version.", version=text.version), "success")
    return redirect(url_for("consent_texts.index", forbund_id=forbund.id))


def _choose(forbund: Forbund, form: ChooseTextForm) -> Response | None:
    if not form.validate_on_submit():
        return None
    try:
        publication = choose_text(
            forbund, form.text.data or "", by=current_user,
            retention_years=current_app.config["FORMAPP_RETENTION_YEARS"])
    except RuleViolation as violation:
        show_violation(form, violation)
        if violation.field != "text":  # a missing detail of the förbund: say it at the choice
            form.text.errors = [*form.text.errors, violation.message]
        return None
    db.session.commit()
    if publication is not None and publication.published:
        flash(_o("Publicerat: %(versions)s. Tidigare samtycken behåller sin version.",
                 versions=", ".join(t.version for t in publication.published)), "success")
    else:
        flash(_o("Nya samtycken använder %(text)s.", text=TEXT_NAMES[forbund.consent_text]),
              "success")
    return redirect(url_for("consent_texts.index", forbund_id=forbund.id))


@bp.route("/forbund/<int:forbund_id>/samtyckestexter", methods=["GET", "POST"])
@officer_route
def index(forbund_id: int) -> str | Response | tuple[str, int]:
    forbund = get_or_404(Forbund, forbund_id)
    require(can_edit_forbund(current_user, forbund, today()))
    may_publish = can_publish_consent_texts(current_user, forbund, today())
    require(may_publish or request.method != "POST")
    choose = ChooseTextForm(prefix="choose", data={"text": forbund.consent_text})
    choose.text.choices = [(key, name) for key, name in TEXT_NAMES.items()]
    form = PublishTextForm()
    understanding_form = UnderstandingSettingsForm(
        prefix="understanding", data={"enabled": forbund.understanding_questions})
    if request.method == "POST":
        if "understanding-save" in request.form:
            done = _understanding(forbund, understanding_form)
        elif "choose-text" in request.form:
            done = _choose(forbund, choose)
        else:
            done = _publish(forbund, form)
        if done is not None:
            return done
    return _page(forbund, form, choose, RecordingForm(formdata=None), may_publish,
                 understanding_form)


def _understanding(forbund: Forbund, form: UnderstandingSettingsForm) -> Response | None:
    """Switch the understanding questions on or off for the förbund's new consents."""
    if not form.validate_on_submit():
        return None
    enabled = bool(form.enabled.data)
    if set_understanding_questions(forbund, enabled, by=current_user):
        db.session.commit()
    flash(_o("Förståelsefrågorna är på.") if enabled else _o("Förståelsefrågorna är av."),
          "success")
    return redirect(url_for("consent_texts.index", forbund_id=forbund.id))


def _page(forbund: Forbund, form: PublishTextForm, choose: ChooseTextForm,
          audio_form: RecordingForm, may_publish: bool,
          understanding_form: UnderstandingSettingsForm | None = None
          ) -> str | tuple[str, int]:
    texts = forbund_texts(forbund)
    locales = registry()
    rows = []
    for locale in texts.locales():
        text = texts.current(locale)
        if text is None:  # locales() offers only those with a text
            continue
        rows.append((locales.get(locale), locale, text,
                     reading_for(forbund, text, audio_cache()), needs_recording(locale),
                     questions_for(text)))
    audio_form.text.choices = [
        (f"{text.version}:{text.sha256}",
         f"{info.name_sv if info else locale} – {text.version}")
        for info, locale, text, _, _, _ in rows]
    lacking = [locales.get(locale) for locale in texts.lacking(
        [info.id for info in locales.locales if info.id != "sv"])]
    # A text the förbund wrote or translated itself has no questions (the Frågor column says
    # why): questions are written for one text and reviewed with it.
    builtin = {version.id for version in builtin_versions()}
    uploaded = {text.version for _, _, text, _, _, _ in rows
                if text.text_id == OWN_TEXT or (text.is_fk and text.version not in builtin)}
    history = version_history(forbund)
    order = [info.id for info in locales.locales]
    order += sorted(set(history) - set(order))
    history_rows = [(locales.get(locale), locale, history[locale])
                    for locale in order if locale in history]
    status = 422 if (form.errors or choose.errors or choose.form_errors
                     or audio_form.errors) else 200
    return render_template("consent_texts/index.html", forbund=forbund, rows=rows, form=form,
                           choose=choose, audio_form=audio_form, binding=texts.binding(),
                           lacking=lacking, history=history_rows, text_names=TEXT_NAMES,
                           uploaded=uploaded,
                           may_publish=may_publish,
                           understanding_form=understanding_form or UnderstandingSettingsForm(
                               prefix="understanding", formdata=None,
                               data={"enabled": forbund.understanding_questions})), status


@bp.route("/forbund/<int:forbund_id>/samtyckestexter/upplasning", methods=["POST"])
@officer_route
@larger_body("FORMAPP_AUDIO_MAX_BYTES", room=MIB)
def upload_audio(forbund_id: int) -> str | Response | tuple[str, int]:
    """A recording of one text version read aloud, e.g. by an interpreter (issue 19)."""
    forbund = get_or_404(Forbund, forbund_id)
    # A recording is part of what the participant is given: published as a text is.
    require(can_publish_consent_texts(current_user, forbund, today()))
    limit = current_app.config["FORMAPP_AUDIO_MAX_BYTES"]
    form = RecordingForm()
    if form.validate_on_submit():
        try:
            row = upload_recording(forbund, form.text.data or "",
                                   form.file.data.read(limit + 1), by=current_user,
                                   max_bytes=limit,
                                   section_starts=form.section_starts.data or "")
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            db.session.commit()
            flash(_o("Inspelningen av %(version)s är sparad. Deltagare som läser den "
                     "versionen hör den i stället för maskinuppläsningen.",
                     version=row.text_version), "success")
            return redirect(url_for("consent_texts.index", forbund_id=forbund.id))
    choose = ChooseTextForm(prefix="choose", formdata=None, data={"text": forbund.consent_text})
    choose.text.choices = [(key, name) for key, name in TEXT_NAMES.items()]
    return _page(forbund, PublishTextForm(formdata=None), choose, form, True)
