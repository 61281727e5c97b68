"""FK 9443 text versions of a förbund: see what participants read (the förbund's
administrators and the system administrator), publish a new version (only the förbund's own
samverkansadministratör)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from formapp.clock import today
from formapp.extensions import db
from formapp.i18n import _o, registry
from formapp.records.access import can_edit_forbund, can_publish_consent_texts
from formapp.records.consent_texts import available_locales, current_text, publish_text
from formapp.records.errors import RuleViolation
from formapp.records.models import Forbund
from formapp.web.guards import get_or_404, require, show_violation
from formapp.webforms.consent import PublishTextForm

bp = Blueprint("consent_texts", __name__)
MAX_TEXT_BYTES = 200 * 1024


@bp.route("/forbund/<int:forbund_id>/samtyckestexter", methods=["GET", "POST"])
@login_required
def index(forbund_id: int) -> str | Response | tuple[str, int]:
    forbund = get_or_404(Forbund, forbund_id)
    require(can_edit_forbund(current_user, forbund, today()))
    may_publish = can_publish_consent_texts(current_user, forbund, today())
    require(may_publish or request.method != "POST")
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
    locales = registry()
    rows = [(locales.get(locale), locale, current_text(forbund, locale))
            for locale in available_locales(forbund)]
    status = 422 if form.errors else 200
    return render_template("consent_texts/index.html", forbund=forbund, rows=rows,
                           form=form, may_publish=may_publish), status
