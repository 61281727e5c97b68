"""How large a request body may be, and a page that says so when one is larger.

Every route takes ``FORMAPP_MAX_UPLOAD_BYTES`` (Flask's ``MAX_CONTENT_LENGTH``); a route
declared with ``@larger_body`` takes its own setting (the Excel import
``FORMAPP_IMPORT_MAX_BYTES``, the audio upload ``FORMAPP_AUDIO_MAX_BYTES``). The limit is the
request's own property, known from the matched route before anything reads the body: the CSRF
check and the NUL guard read the form before the view runs, so a limit set inside the view
came too late."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask import Request as FlaskRequest
from flask_babel import format_decimal
from werkzeug.exceptions import RequestEntityTooLarge

from formapp.i18n import _o
from formapp.web.errors import MESSAGES
from formapp.web.route_policy import larger_body_of

MIB = 1024 * 1024


class UploadLimitRequest(FlaskRequest):
    @property
    def max_content_length(self) -> int | None:
        larger = larger_body_of(self.endpoint) if current_app else None
        if self._max_content_length is None and larger is not None:
            return int(current_app.config[larger.setting]) + larger.room
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def _size(limit: int) -> str:
    if limit % MIB == 0:
        return f"{limit // MIB} MB"
    return f"{format_decimal(round(limit / MIB, 1))} MB"


def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
    limit = request.max_content_length
    if request.blueprint == "consent" or limit is None:
        title, text = MESSAGES[413]  # a participant page: in the participant's language
        return render_template("error.html", code=413, title=title, text=text), 413
    return render_template(
        "error.html", code=413, title=_o("För stor fil"),
        text=_o("Det som skickades är för stort: här tar formapp emot högst %(limit)s. Välj "
                "en mindre fil eller dela upp den.", limit=_size(limit)),
        back_url=request.path, back_label=_o("Tillbaka till sidan")), 413


def configure_uploads(app: Flask) -> None:
    app.request_class = UploadLimitRequest
    app.register_error_handler(RequestEntityTooLarge, _too_large)
