"""``/favicon.ico``: browsers ask for it at the site's root, before anyone logs in.

The icon is formapp/static/icons/favicon.ico, drawn from formapp.svg by scripts/favicon.py;
pages also name the SVG, which sharp-screened browsers prefer.
"""

from __future__ import annotations

from flask import Blueprint, current_app, send_from_directory
from werkzeug.wrappers import Response

from formapp.web.route_policy import open_route

bp = Blueprint("icons", __name__)
ICON_MAX_AGE = 24 * 3600  # a day: a changed icon shows up tomorrow at the latest


@bp.route("/favicon.ico")
@open_route
def favicon() -> Response:
    response = send_from_directory(f"{current_app.static_folder}/icons", "favicon.ico",
                                   mimetype="image/vnd.microsoft.icon", max_age=ICON_MAX_AGE)
    response.headers["Cache-Control"] = f"public, max-age={ICON_MAX_AGE}"
    return response
