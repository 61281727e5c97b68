"""Archived PDFs sent to the browser: inline to look at, or as a download (``?ladda_ner=1``)."""

from __future__ import annotations

from flask import current_app, request
from werkzeug.wrappers import Response

from formapp.evidence import evidence


def pdf_response(digest: str, filename: str) -> Response:
    response = current_app.response_class(evidence().archive.read(digest),
                                          mimetype="application/pdf")
    disposition = "attachment" if request.args.get("ladda_ner") else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
