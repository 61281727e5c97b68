"""The officer's language switch (sv/en in the header), kept in the session."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, abort, redirect, request, url_for
from werkzeug.wrappers import Response

from formapp.i18n import set_officer_locale
from formapp.i18n.selection import URL_PARAMETER
from formapp.web.route_policy import open_route
from formapp.webforms.admin import ConfirmForm

bp = Blueprint("language", __name__)


def _back_to(target: str | None) -> str:
    """The page the switch was pressed on, without a ``?lang=`` that would override the
    choice; only a path on this site."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                               if k != URL_PARAMETER])
            return urlunsplit(("", "", parts.path, query, ""))
    return url_for("home.index")


@bp.route("/language", methods=["POST"])
@open_route
def officer() -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not set_officer_locale(request.form.get(URL_PARAMETER, "")):
        abort(400)
    return redirect(_back_to(request.form.get("next")))
