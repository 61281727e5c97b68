"""FK 9443 text versions of a förbund: see what participants read, publish a new version."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from formapp.clock import today
from formapp.extensions import db
from formapp.i18n import _o, registry
from formapp.records.access import can_edit_forbund
from formapp.records.consent_texts import available_locales, current_text, publish_text
from formapp.records.errors import RuleViolation
from formapp.records.models import Forbund
from formapp.records.read_aloud import needs_recording, reading_for, upload_recording
from formapp.web.guards import get_or_404, require, show_violation
from formapp.web.read_aloud import audio_cache
from formapp.webforms.consent import PublishTextForm, RecordingForm

bp = Blueprint("consent_texts", __name__)
MAX_TEXT_BYTES = 200 * 1024


@bp.route("/forbund/<int:forbund_id>/samtyckestexter", methods=["GET", "POST"])
@login_required
def index(forbund_id: int) -> str | Response | tuple[str, int]:
    forbund = get_or_404(Forbund, forbund_id)
    require(can_edit_forbund(current_user, forbund, today()))
    form = PublishTextForm()
    if form.validate_on_submit():
        raw = form.file.data.read(MAX_TEXT_BYTES + 1)
        if len(raw) > MAX_TEXT_BYTES:
            form.file.errors.append(_o("Filen är för stor för att vara en samtyckestext."))
        else:
            try:
                text = publish_text(forbund, raw, by=current_user)
            except RuleViolation as violation:
                show_violation(form, violation)
            else:
                db.session.commit()
                flash(_o("Version %(version)s är publicerad. Nya samtycken använder den; "
                         "tidigare samtycken behåller sin version.", version=text.version),
                      "success")
                return redirect(url_for("consent_texts.index", forbund_id=forbund.id))
    return _page(forbund, form, RecordingForm(formdata=None))


def _page(forbund: Forbund, form: PublishTextForm,
          audio_form: RecordingForm) -> str | tuple[str, int]:
    locales = registry()
    rows = []
    for locale in available_locales(forbund):
        text = current_text(forbund, locale)
        rows.append((locales.get(locale), locale, text,
                     reading_for(forbund, text, audio_cache()), needs_recording(locale)))
    audio_form.text.choices = [
        (f"{text.version}:{text.sha256}",
         f"{info.name_sv if info else locale} – {text.version}")
        for info, locale, text, _, _ in rows]
    status = 422 if form.errors or audio_form.errors else 200
    return render_template("consent_texts/index.html", forbund=forbund, rows=rows,
                           form=form, audio_form=audio_form), status


@bp.route("/forbund/<int:forbund_id>/samtyckestexter/upplasning", methods=["POST"])
@login_required
def upload_audio(forbund_id: int) -> str | Response | tuple[str, int]:
    """A recording of one text version read aloud, e.g. by an interpreter (issue 19)."""
    forbund = get_or_404(Forbund, forbund_id)
    require(can_edit_forbund(current_user, forbund, today()))
    limit = current_app.config["FORMAPP_AUDIO_MAX_BYTES"]
    # Room over the limit, so a file just too big gets the message at its field, not a 413.
    request.max_content_length = limit + 1024 * 1024
    form = RecordingForm()
    if form.validate_on_submit():
        try:
            row = upload_recording(forbund, form.text.data or "",
                                   form.file.data.read(limit + 1), by=current_user,
                                   max_bytes=limit)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            db.session.commit()
            flash(_o("Inspelningen av %(version)s är sparad. Deltagare som läser den "
                     "versionen hör den i stället för maskinuppläsningen.",
                     version=row.text_version), "success")
            return redirect(url_for("consent_texts.index", forbund_id=forbund.id))
    return _page(forbund, PublishTextForm(formdata=None), form)
