"""Files sent to the browser: archived PDFs inline to look at, or as a download
(``?ladda_ner=1``), and generated files (Excel, charts) that no cache may keep."""

from __future__ import annotations

import io

from flask import current_app, request, send_file
from werkzeug.wrappers import Response

from formapp.evidence import evidence


def pdf_response(digest: str, filename: str) -> Response:
    response = current_app.response_class(evidence().archive.read(digest),
                                          mimetype="application/pdf")
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
