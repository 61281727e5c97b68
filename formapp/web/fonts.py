"""The web fonts: ``/fonts/fonts.css`` and the WOFF2 subsets it names
(formapp.translation.webfonts).

The subsets are built once into ``FORMAPP_WEBFONT_DIR`` (default ``<data dir>/webfonts``), by
``formapp i18n fonts`` or at the first request here. Font files are named by their content hash
and cached for a year; the stylesheet is revalidated so a rebuilt set is picked up.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory
from werkzeug.wrappers import Response

from formapp.translation.webfonts import (
    STYLESHEET,
    build_webfonts,
    name_fonts,
    webfont_dir,
    webfonts,
)
from formapp.web.route_policy import public_route

bp = Blueprint("fonts", __name__, url_prefix="/fonts")
FONT_MAX_AGE = 365 * 24 * 3600
_BUILT_KEY = "formapp.webfonts.built"


def _ensure_built() -> Path:
    """Build (or check) the subsets once per app, never per request."""
    # Flask types current_app as the app itself, not the proxy it is (stubs wrong).
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    directory = webfont_dir(app.config)
    if not app.extensions.get(_BUILT_KEY):
        build_webfonts(directory)
        app.extensions[_BUILT_KEY] = True
    return directory


@bp.route("/fonts.css")
@public_route
def stylesheet() -> Response:
    response = send_from_directory(_ensure_built(), STYLESHEET, mimetype="text/css",
                                   max_age=0, conditional=True, etag=True)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/<name>.woff2")
@public_route
def font(name: str) -> Response:
    directory = _ensure_built()
    filename = f"{name}.woff2"
    if filename not in {f.file for f in webfonts(directory) + name_fonts(directory)}:
        abort(404)
    response = send_from_directory(directory, filename, mimetype="font/woff2",
                                   max_age=FONT_MAX_AGE, conditional=True)
    response.headers["Cache-Control"] = f"public, max-age={FONT_MAX_AGE}, immutable"
    return response
