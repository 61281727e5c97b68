"""Files sent to the browser: archived PDFs inline to look at, or as a download
(``?ladda_ner=1``), and generated files (Excel, charts) that no cache may keep."""

from __future__ import annotations

import io

from flask import current_app, request, send_file
from werkzeug.wrappers import Response

from formapp.evidence import evidence
from formapp.records.registration_proof import RegistrationDocument, bound_pdf


def pdf_response(digest: str, filename: str) -> Response:
    return pdf_bytes_response(evidence().archive.read(digest), filename)


def registration_pdf_response(document: RegistrationDocument, filename: str) -> Response:
    """A registration's sealed PDF, only if its sealed record names this registration
    (``DocumentNotBound`` otherwise: the error page says so, nothing is served)."""
    return pdf_bytes_response(bound_pdf(document), filename)


def pdf_bytes_response(data: bytes, filename: str) -> Response:
    response = current_app.response_class(data, mimetype="application/pdf")
    disposition = "attachment" if request.args.get("ladda_ner") else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def generated_file(data: bytes | io.BytesIO, *, mimetype: str, name: str,
                   attachment: bool = True) -> Response:
    """A file made for this request. ``send_file`` marks it ``no-cache`` (a cache may keep
    it and revalidate); these hold participant data, so ``no-store`` like every page."""
    body = data if isinstance(data, io.BytesIO) else io.BytesIO(data)
    response = send_file(body, mimetype=mimetype, as_attachment=attachment, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response
